using System.Text.RegularExpressions;

namespace Consolidator;

/// <summary>What a number written the way a comma-decimal locale writes it was probably meant to be: `--headroom
/// 0,15` was "'0,15' is not a number" with no word of why, though a German, French or Russian user types it so, and a
/// config file's `headroom = [0,15]` reaches the same reader as "0,15". Never accepted (in "1,000" the comma may as well
/// group thousands, and a wrong guess would plan silently on a value a thousand times off): only the error says it. Digits
/// of other scripts ("٣", "１") get the same kind of hint.</summary>
public static partial class DecimalComma
{
    /// <summary>A hint to append to the error for <paramref name="text"/> (" (a decimal comma? write '0.15')"), or null
    /// when the text does not look like a number with commas. With <paramref name="whole"/> (a count), only commas that
    /// group thousands are worth a word: a count has no decimals to write with a point. <paramref name="unit"/> follows the
    /// number in what the hint says to write ("1,5" of "1,5d" gives '1.5d').</summary>
    public static string? Hint(ReadOnlySpan<char> text, bool whole = false, string unit = "")
    {
        var t = text.Trim();
        if (t.Length > 40) return null; // quoted in the hint: kept as short as the error's own quote
        if (OtherDigits(t) is { } ascii) return $" (digits other than 0-9? write '{ascii}{unit}')";
        if (Grouped().IsMatch(t))
        {
            var plain = t.ToString().Replace(",", "", StringComparison.Ordinal);
            var single = t.IndexOf(',') == t.LastIndexOf(',');
            return whole || !single
                ? $" (write it without thousands separators: '{plain}{unit}')"
                : $" (a decimal comma or a thousands separator? write '{t.ToString().Replace(',', '.')}{unit}' or '{plain}{unit}')";
        }
        return !whole && Decimal().IsMatch(t) ? $" (a decimal comma? write it with a point: '{t.ToString().Replace(',', '.')}{unit}')" : null;
    }

    /// <summary>The text with digits of other scripts (Arabic-Indic "٣", fullwidth "１", Devanagari ...) written 0-9,
    /// or null when it holds none: "٣" was "not a number (expected e.g. 4, 2.5 or 1e3)", which it is, in its script.
    /// Only the hint reads them (a reader that took them would take look-alikes as well).</summary>
    private static string? OtherDigits(ReadOnlySpan<char> t)
    {
        var any = false;
        var s = new System.Text.StringBuilder(t.Length);
        foreach (var c in t)
        {
            if (char.IsDigit(c) && !char.IsAsciiDigit(c)) { any = true; s.Append((char)('0' + (int)char.GetNumericValue(c))); }
            else if (c is '\uFF0E' or '\uFF0C' or '\uFF0D' or '\uFF0B') s.Append((char)(c - 0xFEE0)); // fullwidth . , - +
            else if (c == '\u066B') s.Append('.'); // the Arabic decimal separator
            else s.Append(c);
        }
        return any ? s.ToString().Replace(',', '.') : null;
    }

    // ASCII digits only (ECMAScript): other digits are refused in their own words by the readers.
    [GeneratedRegex(@"^[+-]?[0-9]{1,3}(,[0-9]{3})+$", RegexOptions.ECMAScript)]
    private static partial Regex Grouped();

    [GeneratedRegex(@"^[+-]?([0-9]+,[0-9]*|,[0-9]+)([eE][+-]?[0-9]+)?$", RegexOptions.ECMAScript)]
    private static partial Regex Decimal();
}
