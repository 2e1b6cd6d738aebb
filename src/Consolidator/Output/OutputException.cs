namespace Consolidator.Output;

/// <summary>An output that cannot be written, naming the path and what failed. <see cref="IsUsage"/> is
/// true when the target itself is wrong (a file where a folder is wanted, a folder holding the user's own
/// files, a read-only place): found before any work, so the command reports it as bad options.</summary>
public sealed class OutputException(string path, string problem, bool isUsage, Exception? inner = null)
    : Exception($"{Quoted.Path(path)}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
    public bool IsUsage { get; } = isUsage;
}
