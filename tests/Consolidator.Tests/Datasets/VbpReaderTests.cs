using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Datasets;

public sealed class VbpReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string text, string name = "inst_4_3_0.vbp")
    {
        var path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_dimensions_capacities_and_expands_multiplicities()
    {
        var instance = VbpReader.Read(Write("3\n10 10 10\n2\n5 4 3 2\n10 0 1 1\n"));

        Assert.Equal("inst_4_3_0", instance.Name);
        Assert.Equal([10, 10, 10], instance.Capacities.ToArray());
        Assert.Equal(3, instance.Items.Length);
        Assert.Equal([5, 4, 3], instance.Items[0].ToArray());
        Assert.Equal([5, 4, 3], instance.Items[1].ToArray());
        Assert.Equal([10, 0, 1], instance.Items[2].ToArray());
    }

    [Fact]
    public void Accepts_blank_lines_tabs_and_crlf()
    {
        var instance = VbpReader.Read(Write("3\r\n\r\n10\t10 10\r\n1\r\n 1 2 3 1 \r\n\r\n"));
        Assert.Equal([1, 2, 3], instance.Items.Single().ToArray());
    }

    [Fact]
    public void Each_dimension_becomes_one_window_of_cpu_on_identical_hosts()
    {
        var instance = VbpReader.Read(Write("3\n10 10 10\n2\n6 2 5 1\n4 8 0 1\n"));
        var dataset = instance.ToDataset();
        var profiles = ProfileBuilder.Build(dataset, instance.Windows(), 100);

        Assert.Equal(2, dataset.Hosts.Length);
        Assert.All(dataset.Hosts, h => Assert.Equal(10, h.CpuCores));
        Assert.All(dataset.Vms, v => Assert.Null(v.CurrentHost));
        Assert.Equal(3, profiles.Windows.Count);
        Assert.Equal([6.0, 2.0, 5.0], profiles.Vms[0].DemandCpu);
        Assert.Equal([4.0, 8.0, 0.0], profiles.Vms[1].DemandCpu);
    }

    [Fact]
    public void Unequal_capacities_are_scaled_to_their_least_common_multiple()
    {
        var dataset = VbpReader.Read(Write("3\n10 20 5\n1\n5 10 5 1\n")).ToDataset();

        Assert.Equal(20, dataset.Hosts[0].CpuCores);
        Assert.Equal([10, 10, 20], dataset.Usage[0].CpuCores);
    }

    [Fact]
    public void Negative_sizes_as_some_published_files_hold_are_kept_and_read_as_zero_in_the_dataset()
    {
        var instance = VbpReader.Read(Write("3\n100 100 100\n2\n15 35 -2 1\n-1 5 5 1\n"));
        var dataset = instance.ToDataset();

        Assert.Equal([15, 35, -2], instance.Items[0].ToArray());
        Assert.Equal(2, instance.NegativeSizes);
        Assert.Equal([15, 35, 0], dataset.Usage[0].CpuCores);
        Assert.Equal([0, 5, 5], dataset.Usage[1].CpuCores);
    }

    [Theory]
    [InlineData("6 2 5 1\n4 8 5 1\n5 5 5 1\n5 5 5 1\n", 4, 2)]   // complementary pairs fill two bins exactly
    [InlineData("6 1 1 1\n6 1 1 1\n6 1 1 1\n1 1 1 1\n", 4, 3)]   // volume says 2, but no two 6s share a bin
    public void Planning_the_dataset_finds_the_optimal_number_of_bins(string items, int count, int optimum)
    {
        var instance = VbpReader.Read(Write($"3\n10 10 10\n{count}\n{items}"));
        var dataset = instance.ToDataset();
        var profiles = ProfileBuilder.Build(dataset, instance.Windows(), 100);
        var request = new PlanRequest(new PlacementOptions(0, 0), new SolverOptions(5, 1, 1, Deterministic: true));

        var plan = Planner.Plan(dataset, profiles, request);

        Assert.Equal(optimum, plan.Summary.ActiveHostsAfter);
        Assert.Equal(SolveStatus.Optimal, plan.Solve.Status);
        // Memory is there only to satisfy the model: it must never bind.
        Assert.All(Enumerable.Range(0, plan.Problem.HostCount), h =>
            Assert.True(plan.Problem.Usable(h, Resource.Memory) >= dataset.Vms.Length));
    }

    [Theory]
    [InlineData("x\n", 1, "d", 1, "x", "not a whole number")]
    [InlineData("7\n10 10 10 10 10 10 10\n", 1, "d", 1, "7", "must divide 1440")]
    [InlineData("3\n10 10\n", 2, null, 3, null, "expected d bin capacities (3 fields) but the line has 2")]
    [InlineData("3\n10 0 10\n", 2, "capacity 2", 2, "0", "must be at least 1")]
    [InlineData("3\n10 10 10\n0\n", 3, "m", 1, "0", "must be at least 1")]
    [InlineData("3\n10 10 10\n2\n5 5 5 1\n", 5, null, 0, null, "the file ends early; expected item line 2 of 2")]
    [InlineData("3\n10 10 10\n1\n11 5 5 1\n", 4, "size 1", 1, "11", "larger than the bin capacity 10 in dimension 1")]
    [InlineData("3\n10 10 10\n1\n5 5 5 -1\n", 4, "multiplicity", 4, "-1", "must be at least 0")]
    [InlineData("3\n10 10 10\n1\n5 5 5 1.5\n", 4, "multiplicity", 4, "1.5", "not a whole number")]
    [InlineData("3\n10 10 10\n1\n5 5 5 1 9\n", 4, null, 5, "9", "expected d = 3 sizes and a multiplicity (4 fields) but the line has 5")]
    [InlineData("3\n10 10 10\n1\n5 5 5 1\n5 5 5 1\n", 5, null, 0, "5 5 5 1", "unexpected line after the 1 item lines")]
    [InlineData("3\n10 10 10\n1\n5 5 5 0\n", 4, "multiplicity", 4, "0", "the instance has no items")]
    public void Bad_input_names_line_field_and_value(string text, int line, string? column, int columnNumber, string? value, string problem)
    {
        var path = Write(text);
        var e = Assert.Throws<InputException>(() => VbpReader.Read(path));

        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Equal(columnNumber, e.ColumnNumber);
        Assert.Equal(value, e.Value);
        Assert.Contains(problem, e.Problem);
    }

    /// <summary>A file of one line that never ends (sparse, 64 MiB of zeros) was read whole into one string; now refused at
    /// the line's 1 MiB, located.</summary>
    [Fact]
    public void A_line_that_never_ends_is_refused()
    {
        var path = _dir.File("endless.vbp");
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            file.Write("3\n"u8);
            file.SetLength(64L << 20);
        }

        var e = Assert.Throws<InputException>(() => VbpReader.Read(path));

        Assert.Equal(2, e.Line);
        Assert.Contains("a line longer than 1 MiB", e.Problem);
    }

    [Fact]
    public void Old_mac_line_ends_still_read()
    {
        var instance = VbpReader.Read(Write("3\r10 10 10\r1\r1 2 3 2\r"));
        Assert.Equal(2, instance.Items.Length);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = _dir.File("absent.vbp");
        var e = Assert.Throws<InputException>(() => VbpReader.Read(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }
}
