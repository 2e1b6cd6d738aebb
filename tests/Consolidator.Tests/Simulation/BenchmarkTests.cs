using Consolidator.Simulation;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Replay_rate_is_a_positive_finite_number_of_migrations_per_second()
    {
        var rate = Benchmark.ReplayRate(300, seed: 3);
        output.WriteLine($"{rate:0} migrations/s");
        Assert.True(rate > 0 && double.IsFinite(rate));
    }
}
