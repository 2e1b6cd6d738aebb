namespace Consolidator.Datasets;

/// <summary>Plain decimals (digits, an optional point and more digits: 4, 2.5, 0.123) read straight from a field's
/// UTF-8 bytes, to the same double as <see cref="double.Parse(string, IFormatProvider)"/>: the value nearest to the
/// text. A usage file holds tens of millions of them, and the general parser took about a third of the reading time
/// of a 30,000-VM plan. Exact by Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
/// PLDI 1990): when the digits without the point form an integer below 2^53 and the point stands at most 22 digits
/// from the end, both that integer and the power of ten are doubles exactly, and one IEEE division rounds their
/// quotient to the nearest double, as the decimal's own value would round. Anything else (signs, exponents, more
/// digits) is declined and left to the general parser.</summary>
internal static class DecimalText
{
    private const ulong ExactIntegers = 1UL << 53;

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>The value of <paramref name="text"/> when it is a plain decimal that the fast path reads exactly;
    /// false (and 0) for anything else, which the caller gives to the general parser.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        ulong digits = 0;
        int i = 0, integerDigits = 0, fractionDigits = 0;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++, integerDigits++)
            if (!Append(ref digits, text[i])) return false;
        if (integerDigits == 0) return false;
        if (i < text.Length)
        {
            if (text[i] != '.') return false;
            for (i++; i < text.Length && (uint)(text[i] - '0') <= 9; i++, fractionDigits++)
                if (!Append(ref digits, text[i])) return false;
            if (fractionDigits == 0 || i < text.Length || fractionDigits >= PowersOfTen.Length) return false;
        }
        if (digits > ExactIntegers) return false;
        value = fractionDigits == 0 ? digits : digits / PowersOfTen[fractionDigits];
        return true;
    }

    /// <summary>digits * 10 + the digit, false past 2^53 (the value would not be exact; 19 digits could overflow).</summary>
    private static bool Append(ref ulong digits, byte digit)
    {
        if (digits > ExactIntegers) return false;
        digits = digits * 10 + (uint)(digit - '0');
        return true;
    }
}
