using Consolidator.Datasets;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Datasets;

public sealed class VectorPackingCatalogTests : IDisposable
{
    private const string Instance = "3\n10 10 10\n1\n5 5 5 1\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_dir.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Lists_instances_in_benchmark_class_size_index_order_with_their_published_figures()
    {
        Write("Alpha_instances_multidim/classB/classB_20_3_0.vbp", Instance);
        Write("Alpha_instances_multidim/classA/classA_40_3_0.vbp", Instance);
        Write("Alpha_instances_multidim/classA/classA_20_3_1.vbp", Instance);
        Write("Alpha_instances_multidim/classA/classA_20_3_0.vbp", Instance);
        Write("Beta/x/odd-name.vbp", Instance);
        Write("results/Alpha_summary_known.csv",
            "instance_name\tLB\tOPT\tbest_overall\tbest_IC\n" +
            "classA_20_3_0\t5\t6\t7\t7\n" +
            "classA_20_3_1\t5\t-1\t6\t6\n" +
            "classA_40_3_0\t9\t9\t9\t10\n");

        var catalog = VectorPackingCatalog.TryLoad(_dir.Path)!;

        Assert.Equal(["classA_20_3_0", "classA_20_3_1", "classA_40_3_0", "classB_20_3_0"], catalog.Entries.Select(e => e.Name));
        var first = catalog.Entries[0];
        Assert.Equal(("Alpha", "classA", "Alpha/classA", 20, 3, 0), (first.Benchmark, first.Class, first.Group, first.Items, first.Dimensions, first.Index));
        Assert.Equal(new PublishedResult(5, 6, 7), first.Published);
        Assert.Equal(new PublishedResult(5, null, 6), catalog.Entries[1].Published);
        Assert.Null(catalog.Entries[3].Published);
        Assert.Contains(catalog.Notes, n => n.Contains("Beta: no results table"));
        Assert.Contains(catalog.Notes, n => n.Contains("odd-name.vbp") && n.Contains("skipped"));
    }

    [Fact]
    public void A_missing_folder_gives_no_catalog() =>
        Assert.Null(VectorPackingCatalog.TryLoad(Path.Combine(_dir.Path, "absent")));

    [Theory]
    [InlineData("a\t5\tx\t7\n", "OPT", "x", "not a whole number")]
    [InlineData("a\t5\t4\t7\n", "OPT", "4", "at least LB (5)")]
    [InlineData("a\t5\t6\t5\n", "best_overall", "5", "must be at least 6")]
    [InlineData("a\t-2\t6\t7\n", "LB", "-2", "must be at least 0")]
    public void A_bad_results_row_is_located(string row, string column, string value, string problem)
    {
        Write("results/Alpha_summary_known.csv", "instance_name\tLB\tOPT\tbest_overall\n" + row);
        var path = Path.Combine(_dir.Path, "results", "Alpha_summary_known.csv");

        var e = Assert.Throws<InputException>(() => PublishedResults.Read(path));

        Assert.Equal((2, column, value), (e.Line, e.Column, e.Value));
        Assert.Contains(problem, e.Problem);
    }
}
