using System.CommandLine;
using System.Reflection;

namespace Consolidator.Cli;

/// <summary>The version `consolidator --version` prints, and the command line a run was given (options from
/// --config included), for report footers.</summary>
internal static class ToolVersion
{
    public static string Text { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The tokens as a shell would take them back, less <c>--out FOLDER</c>: the report sits in that
    /// folder, and a deterministic report must not change with where it was written.</summary>
    public static string CommandLine(ParseResult r)
    {
        var tokens = r.Tokens.Select(t => t.Value).ToList();
        for (var i = tokens.IndexOf("--out"); i >= 0; i = tokens.IndexOf("--out"))
            tokens.RemoveRange(i, Math.Min(2, tokens.Count - i));
        tokens.RemoveAll(t => t.StartsWith("--out=", StringComparison.Ordinal));
        return "consolidator " + string.Join(' ', tokens.Select(t => t.Length == 0 || t.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '\\')
            ? "'" + t.Replace("'", "'\\''") + "'" : t));
    }
}
