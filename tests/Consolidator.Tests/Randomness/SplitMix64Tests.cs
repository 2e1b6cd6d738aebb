using Consolidator.Randomness;

namespace Consolidator.Tests.Randomness;

public class SplitMix64Tests
{
    [Theory]
    [InlineData(0UL, 0L)]
    [InlineData(1UL, 1L)]
    [InlineData(12345UL, 1000L)]
    [InlineData(ulong.MaxValue, 77L)]
    public void Skip_moves_on_as_drawing_does(ulong seed, long draws)
    {
        var drawn = new SplitMix64(seed);
        for (var i = 0; i < draws; i++) drawn.NextULong();
        var skipped = new SplitMix64(seed);

        skipped.Skip(draws);

        Assert.Equal(Enumerable.Range(0, 5).Select(_ => drawn.NextULong()), Enumerable.Range(0, 5).Select(_ => skipped.NextULong()));
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(0.001)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.718281828459045)]
    [InlineData(1e300)]
    public void Ln_agrees_with_the_platform_s_logarithm_to_rounding(double x)
    {
        Assert.Equal(Math.Log(x), SplitMix64.Ln(x), Math.Max(1e-15, Math.Abs(Math.Log(x)) * 1e-15));
    }
}
