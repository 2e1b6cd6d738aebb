using System.Globalization;
using System.Text;

namespace Consolidator;

/// <summary>Input as an error message may quote it: control characters escaped (a newline cannot end the
/// message line, an escape sequence cannot reach the terminal raw) and long values cut to about 80
/// characters with their full length given. Every message that quotes a value or a path goes through here.</summary>
public static class Quoted
{
    /// <summary>Characters of a quoted value kept before it is cut.</summary>
    public const int ValueLength = 80;

    /// <summary>Paths come from the user's own command line and may be long; they are cut later.</summary>
    public const int PathLength = 240;

    /// <summary>The value escaped and bounded, without surrounding quotes.</summary>
    public static string Value(string? text) => Escape(text ?? "", ValueLength);

    public static string Value(ReadOnlySpan<char> text) => Escape(text, ValueLength);

    public static string Path(string? path) => Escape(path ?? "", PathLength);

    public static string Escape(ReadOnlySpan<char> text, int max)
    {
        var s = new StringBuilder(Math.Min(text.Length, max) + 16);
        var i = 0;
        for (; i < text.Length && s.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                s.Append(c).Append(text[++i]);
                continue;
            }
            switch (c)
            {
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                default:
                    if (NeedsEscape(c)) s.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else s.Append(c);
                    break;
            }
        }
        if (i < text.Length)
            s.Append(CultureInfo.InvariantCulture, $"... ({text.Length} characters)");
        return s.ToString();
    }

    /// <summary>C0 and C1 controls, DEL, lone surrogates, the line and paragraph separators, and the format
    /// characters that reorder or hide text on a terminal (bidirectional overrides and isolates, zero-width
    /// characters, the byte order mark).</summary>
    internal static bool NeedsEscape(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
