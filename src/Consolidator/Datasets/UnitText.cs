namespace Consolidator.Datasets;

/// <summary>Whether a number's text is a whole number of the planner's unit, 10^-decimals of what the column counts
/// (millicores of cores: 3; MiB: 0), decided on the text itself, since its double cannot tell: 0.5000000001 and
/// 6.92200000000000000001 read as doubles a billionth or less from a whole millicore, which is how far a decimal's binary
/// error may lie, so the planner reads them as that millicore. The text is what <see cref="DatasetFile"/> has already
/// read as a finite number (an optional sign, digits with an optional point, an optional exponent).</summary>
internal static class UnitText
{
    public static bool Whole(ReadOnlySpan<byte> text, int decimals)
    {
        var i = 0;
        if (i < text.Length && text[i] is (byte)'+' or (byte)'-') i++;
        // value = mantissa digits x 10^(exponent - fraction digits); trailing zeros of the digits raise the power.
        int fractionDigits = 0, trailingZeros = 0;
        bool point = false, nonZero = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && !point)
            {
                point = true;
                continue;
            }
            if ((uint)(c - '0') > 9) break;
            if (point) fractionDigits++;
            if (c == '0') trailingZeros++;
            else
            {
                trailingZeros = 0;
                nonZero = true;
            }
        }
        if (!nonZero) return true;
        long exponent = 0;
        if (i < text.Length && text[i] is (byte)'e' or (byte)'E')
        {
            i++;
            var negative = i < text.Length && text[i] == '-';
            if (i < text.Length && text[i] is (byte)'+' or (byte)'-') i++;
            // Past a billion the exponent is as good as infinite: the double would not be finite, or would be zero.
            for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++)
                exponent = Math.Min(exponent * 10 + (text[i] - '0'), 1_000_000_000);
            if (negative) exponent = -exponent;
        }
        return exponent - fractionDigits + trailingZeros >= -decimals;
    }
}
