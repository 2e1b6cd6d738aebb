using System.Globalization;

namespace Consolidator;

/// <summary>What an id (of a host, VM, image or rule) may hold. Ids are printed in summaries on a terminal and written
/// into generated scripts: a control character would end a line or reach the terminal as an escape sequence, and an
/// invisible formatting character (a bidirectional override, a zero-width character) makes text read differently from
/// what it is. Refused where ids enter (the dataset reader, the importers) and again by the script writers.</summary>
public static class Ids
{
    /// <summary>The most characters (Unicode scalar values) an id may hold: OpenStack's limit on server, hypervisor and
    /// image names (Nova's and Glance's API schemas), and what a file name holds on Linux (255 bytes, so an ASCII id can
    /// name a libvirt domain's config file). A 3 MB id was planned, printed and written into scripts as it stood.</summary>
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="id"/> cannot be an id, or null: longer than <see cref="MaxLength"/>, or a character an error message would escape
    /// (<see cref="Quoted"/>'s rule: control, lone surrogate, line or paragraph separator, format), located by its
    /// 1-based character position. <paramref name="what"/> names the value in the reason ("a rule name").</summary>
    public static string? Problem(string id, string what = "an id")
    {
        if (id.Length > MaxLength && id.EnumerateRunes().Count() is var length and > MaxLength)
            return string.Create(CultureInfo.InvariantCulture, $"{what} must be at most {MaxLength} characters (this one has {length})");
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1])) { i++; continue; }
            if (Quoted.NeedsEscape(c))
                return string.Create(CultureInfo.InvariantCulture, $"{what} must not hold control or invisible formatting characters (U+{(int)c:X4} at character {i + 1})");
            // The replacement character is what the reader decodes a byte that is not UTF-8 to (a Latin-1 'é'): the id
            // became 'h-sm\uFFFDll-01' in the plan and in the scripts, a host no hypervisor knows.
            if (c == '\uFFFD')
                return string.Create(CultureInfo.InvariantCulture, $"{what} must not hold U+FFFD (at character {i + 1}): a byte that is not UTF-8, or the replacement character itself; save the file as UTF-8");
        }
        return null;
    }
}
