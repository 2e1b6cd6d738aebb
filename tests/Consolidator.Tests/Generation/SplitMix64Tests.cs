using Consolidator.Randomness;

namespace Consolidator.Tests.Generation;

public class SplitMix64Tests
{
    [Fact]
    public void Matches_the_reference_implementation()
    {
        // Outputs of Vigna's splitmix64.c for seed 1234567: pins the algorithm across runtimes.
        var rng = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => rng.NextULong()).ToArray());
    }

    [Fact]
    public void Next_stays_in_range_and_hits_every_value()
    {
        var rng = new SplitMix64(7);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++) counts[rng.Next(-3, 4) + 3]++;
        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
        Assert.Equal(int.MinValue, new SplitMix64(1).Next(int.MinValue, int.MinValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(2, 2));
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval()
    {
        var rng = new SplitMix64(3);
        for (var i = 0; i < 100_000; i++) Assert.InRange(rng.NextDouble(), 0.0, Math.BitDecrement(1.0));
    }

    [Fact]
    public void Gaussian_agrees_with_box_muller_on_the_platform_math_library()
    {
        var rng = new SplitMix64(11);
        var twin = new SplitMix64(11);
        for (var i = 0; i < 100_000; i++)
        {
            var u1 = 1.0 - twin.NextDouble();
            var u2 = twin.NextDouble();
            var expected = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            Assert.Equal(expected, rng.NextGaussian(), 1e-12);
        }
    }

    [Fact]
    public void Gaussian_and_exponential_have_the_expected_moments()
    {
        var rng = new SplitMix64(5);
        var g = Enumerable.Range(0, 200_000).Select(_ => rng.NextGaussian(2, 3)).ToArray();
        var mean = g.Average();
        var sd = Math.Sqrt(g.Select(x => (x - mean) * (x - mean)).Average());
        Assert.InRange(mean, 1.97, 2.03);
        Assert.InRange(sd, 2.97, 3.03);
        var e = Enumerable.Range(0, 200_000).Select(_ => rng.NextExponential()).ToArray();
        Assert.All(e, x => Assert.True(x >= 0));
        Assert.InRange(e.Average(), 0.99, 1.01);
    }
}
