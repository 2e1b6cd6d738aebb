using Consolidator.Simulation;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Replay_rate_is_a_positive_finite_number_of_migrations_per_second()
    {
        // 10,000 migrations, the size the bench command reports; the figure is printed, never asserted on.
        var rate = Benchmark.ReplayRate(10_000, seed: 3);
        output.WriteLine($"10,000 migrations replayed at {rate:0} migrations/s");
        Assert.True(rate > 0 && double.IsFinite(rate));
    }
}
