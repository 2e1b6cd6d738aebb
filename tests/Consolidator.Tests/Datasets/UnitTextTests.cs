using System.Globalization;
using System.Numerics;
using System.Text;
using Consolidator.Datasets;

namespace Consolidator.Tests.Datasets;

/// <summary>Whether a number's text is a whole number of the planner's unit, as a user might write it.</summary>
public class UnitTextTests
{
    [Theory]
    [InlineData("6.922", 3, true)]
    [InlineData("6.9220", 3, true)]
    [InlineData("+6.922", 3, true)]
    [InlineData("6.922e0", 3, true)]
    [InlineData("6922e-3", 3, true)]
    [InlineData("0.06922E+2", 3, true)]
    [InlineData(".5", 3, true)]
    [InlineData("5.", 3, true)]
    [InlineData("-0", 3, true)]
    [InlineData("0e-400", 3, true)]
    [InlineData("6.92200000000000000000000000000", 3, true)]
    [InlineData("6000e-3", 0, true)]
    [InlineData("2048", 0, true)]
    [InlineData("6.9225", 3, false)]
    [InlineData("0.5000000001", 3, false)]
    [InlineData("6.92200000000000000001", 3, false)]
    [InlineData("1e-400", 3, false)]
    [InlineData("1e-99999999999999999999", 3, false)]
    [InlineData("2047.9999999999", 0, false)]
    [InlineData("0.5", 0, false)]
    public void A_text_is_whole_when_its_value_is_a_whole_number_of_units(string text, int decimals, bool whole) =>
        Assert.Equal(whole, UnitText.Whole(Encoding.ASCII.GetBytes(text), decimals));

    /// <summary>Property: on random decimal texts (sign, zeros before and after, a point anywhere, an exponent), the
    /// answer is the exact one, computed with big integers.</summary>
    [Fact]
    public void Agrees_with_exact_arithmetic_on_random_texts()
    {
        var random = new Random(17);
        for (var n = 0; n < 20_000; n++)
        {
            var digits = new StringBuilder();
            var length = random.Next(1, 30);
            for (var i = 0; i < length; i++) digits.Append((char)('0' + (random.Next(3) == 0 ? 0 : random.Next(10))));
            var pointAt = random.Next(0, length + 1);
            var exponent = random.Next(4) == 0 ? random.Next(-40, 41) : 0;
            var decimals = random.Next(2) == 0 ? 3 : 0;
            var text = (random.Next(3) == 0 ? "+" : "") + digits.ToString(0, pointAt) + "." + digits.ToString(pointAt, length - pointAt)
                + (exponent != 0 ? "e" + exponent.ToString(CultureInfo.InvariantCulture) : "");
            // value * 10^decimals = M * 10^(exponent - fraction + decimals): whole iff M is divisible by the missing power.
            var mantissa = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
            var power = exponent - (length - pointAt) + decimals;
            var expected = mantissa.IsZero || power >= 0 || mantissa % BigInteger.Pow(10, -power) == 0;
            Assert.True(expected == UnitText.Whole(Encoding.ASCII.GetBytes(text), decimals), text);
        }
    }
}
