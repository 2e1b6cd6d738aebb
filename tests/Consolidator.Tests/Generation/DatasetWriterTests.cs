using Consolidator.Tests.Support;
using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Traces;

namespace Consolidator.Tests.Generation;

public class DatasetWriterTests
{
    private static Dataset Tiny() => new(
        "tiny",
        [new Host("h-1", 32, 131072, 100, 250.5)],
        [new Vm("vm-1", 2, 4096, "h-1"), new Vm("vm-2", 4, 8192, null)],
        [
            new VmSeries([1767571200, 1767572100], [1.25, 0.1], [2048, 2048.5]),
            // Out of time order on purpose: the writer must still emit time order.
            new VmSeries([1767572100, 1767571200], [3.999, 0.001], [8000, 7999]),
        ]);

    [Fact]
    public void Writes_the_golden_bytes()
    {
        using var dir = new TempDirectory();
        DatasetWriter.Write(Tiny(), dir.Path);

        Assert.Equal(
            "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh-1,32,131072,100,250.5\n",
            File.ReadAllText(dir.File("hosts.csv")));
        Assert.Equal(
            "vm_id,vcpus,memory_mib,current_host\nvm-1,2,4096,h-1\nvm-2,4,8192,\n",
            File.ReadAllText(dir.File("vms.csv")));
        Assert.Equal(
            "timestamp,vm_id,cpu_cores,memory_mib\n" +
            "2026-01-05T00:00:00Z,vm-1,1.25,2048\n" +
            "2026-01-05T00:15:00Z,vm-1,0.1,2048.5\n" +
            "2026-01-05T00:00:00Z,vm-2,0.001,7999\n" +
            "2026-01-05T00:15:00Z,vm-2,3.999,8000\n",
            File.ReadAllText(dir.File("usage.csv")));
    }

    [Fact]
    public void Writes_utf8_without_bom_or_carriage_returns_and_leaves_no_temp_files()
    {
        using var dir = new TempDirectory();
        DatasetWriter.Write(Tiny(), dir.Path);
        DatasetWriter.Write(Tiny(), dir.Path);

        Assert.Equal([".consolidator-output", "hosts.csv", "usage.csv", "vms.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(dir.Path))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.DoesNotContain((byte)'\r', bytes);
            Assert.Equal((byte)'\n', bytes[^1]);
        }
    }

    [Fact]
    public void Creates_the_directory_when_missing()
    {
        using var dir = new TempDirectory();
        var nested = Path.Combine(dir.Path, "a", "b");
        DatasetWriter.Write(Tiny(), nested);
        Assert.True(File.Exists(Path.Combine(nested, "usage.csv")));
    }
}
