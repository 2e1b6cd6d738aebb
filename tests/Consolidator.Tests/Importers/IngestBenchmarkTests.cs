using Consolidator.Importers;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

/// <summary>The heap figures are process-wide, so this class runs alone rather than beside allocating tests.</summary>
[CollectionDefinition(nameof(IngestBenchmarkTests), DisableParallelization = true)]
[Collection(nameof(IngestBenchmarkTests))]
public class IngestBenchmarkTests
{
    [Fact]
    public void Measures_the_ingest_and_the_line_read_of_the_same_generated_file()
    {
        using var dir = new TempDirectory();
        var r = IngestBenchmark.Run(dir.Path, 25_000);

        Assert.Equal(25_000, r.Rows);
        Assert.Equal(IngestBenchmark.Vms, r.Vms);
        Assert.True(r.FileBytes > 25_000 * 30, $"{r.FileBytes} bytes");
        Assert.True(r.IngestSeconds > 0 && r.LineReadSeconds > 0);
        Assert.True(r.RetainedBytes > 25_000 * 12, $"retained {r.RetainedBytes} bytes: timestamps, CPU and memory of every row");
        Assert.True(r.PeakManagedBytes < 25_000 * 2_000L, $"peak {r.PeakManagedBytes} bytes: a few hundred bytes per row at most");
        Assert.Contains("rows/s", r.ToString());
    }
}
