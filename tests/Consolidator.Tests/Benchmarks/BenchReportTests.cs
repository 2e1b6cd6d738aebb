using System.Collections.Immutable;
using System.Text.Json;
using Consolidator.Benchmarks;

namespace Consolidator.Tests.Benchmarks;

public sealed class BenchReportTests
{
    private static BenchRow Packing(string group, string name, int? active, int? optimum, int best, int lb = 1) => new()
    {
        Family = VectorPackingFamily.FamilyName, Instance = name, Group = group, ActiveHosts = active, LowerBound = lb,
        Optimum = optimum, PublishedLowerBound = lb, PublishedBestHeuristic = best, Vms = 20, Hosts = 20, Windows = 3,
    };

    private static readonly BenchMachine Machine = new(2, "Linux", ".NET 10", "Test CPU", 8);

    [Fact]
    public void Vector_packing_summary_counts_optima_ratios_and_the_published_best_on_the_same_instances()
    {
        BenchRow[] rows =
        [
            Packing("P/class1", "a", 10, 10, 11),
            Packing("P/class1", "b", 12, 10, 10),    // worse than published and than the optimum
            Packing("P/class1", "c", 7, null, 8),    // optimum unknown: counted only as an instance
            Packing("P/class2", "d", 4, 5, 5),       // fewer bins than the optimum: a bug
            BenchRow.Failed(VectorPackingFamily.FamilyName, "e", "N/class1", "boom"),
            new() { Family = "planted", Instance = "K=3", ActiveHosts = 3, Optimum = 3 },
        ];

        var summary = VectorPackingSummary.Of(rows).ToDictionary(s => s.Group);

        Assert.Equal(["P/class1", "P/class2", "N/class1", "P/all", "N/all", "all"], VectorPackingSummary.Of(rows).Select(s => s.Group));
        var c1 = summary["P/class1"];
        Assert.Equal((3, 2, 1, 1, 1, 0, 0), (c1.Instances, c1.WithKnownOptimum, c1.AtOptimum, c1.PublishedAtOptimum, c1.WorseThanPublishedBest, c1.BelowBound, c1.Failed));
        Assert.Equal(0.5, c1.ShareAtOptimum);
        Assert.Equal(1.1, c1.MeanRatioToOptimum);
        Assert.Equal(1.05, c1.PublishedMeanRatioToOptimum);
        Assert.Equal(1, summary["P/class2"].BelowBound);
        Assert.Equal((1, 1, 0), (summary["N/class1"].Instances, summary["N/class1"].Failed, summary["N/class1"].WithKnownOptimum));
        Assert.Null(summary["N/class1"].ShareAtOptimum);
        Assert.Equal((5, 3, 1), (summary["all"].Instances, summary["all"].WithKnownOptimum, summary["all"].Failed));
    }

    [Fact]
    public void A_row_below_a_known_optimum_or_bound_is_flagged_and_makes_the_report_unclean()
    {
        Assert.True(Packing("g", "x", 4, 5, 5).BelowBound);
        Assert.True(Packing("g", "x", 4, null, 5, lb: 5).BelowBound);
        Assert.False(Packing("g", "x", 5, 5, 5, lb: 5).BelowBound);
        Assert.False(new BenchReport(Machine, new BenchSettings(), [Packing("g", "x", 4, 5, 5)], []).Clean);
        Assert.False(new BenchReport(Machine, new BenchSettings(), [BenchRow.Failed("f", "i", null, "crash")], []).Clean);
        Assert.True(new BenchReport(Machine, new BenchSettings(), [Packing("g", "x", 6, 5, 7)], []).Clean);
    }

    [Fact]
    public void A_row_survives_the_trip_through_a_child_process_line()
    {
        var row = Packing("P/class1", "a", 10, 10, 11) with { Seconds = 1.25, Gap = 0.1, Status = "feasible", PeakMemoryMib = 90.5, EnergyVsCurrent = 0.5 };
        var rate = new BenchRow { Family = "replay", Instance = "x", Measures = ImmutableSortedDictionary.CreateRange([KeyValuePair.Create("rows_per_second", 1e6)]) };

        var line = BenchJson.RowToLine(row);

        Assert.DoesNotContain('\n', line);
        Assert.Equal(row, BenchJson.RowFromLine(line));
        Assert.Equal(1e6, BenchJson.RowFromLine(BenchJson.RowToLine(rate)).Measures!["rows_per_second"]);
        Assert.Throws<JsonException>(() => BenchJson.RowFromLine("{\"instance\":\"no family\"}"));
    }

    [Fact]
    public void The_json_holds_schema_machine_rows_with_ratios_and_the_vector_packing_summary()
    {
        var report = new BenchReport(Machine, new BenchSettings { Seed = 7 }, [Packing("P/class1", "a", 11, 10, 11)], ["shared datasets: none"]);

        using var json = JsonDocument.Parse(BenchJson.ToJson(report));
        var root = json.RootElement;

        Assert.Equal("consolidator.bench/1", root.GetProperty("schema").GetString());
        Assert.Equal("Test CPU", root.GetProperty("machine").GetProperty("cpu").GetString());
        Assert.Equal(7, root.GetProperty("settings").GetProperty("seed").GetInt32());
        var row = root.GetProperty("rows")[0];
        Assert.Equal(1.1, row.GetProperty("ratio_to_optimum").GetDouble());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("energy_vs_current").ValueKind);
        Assert.Equal("all", root.GetProperty("vector_packing")[2].GetProperty("group").GetString());
        Assert.Equal("shared datasets: none", root.GetProperty("skipped")[0].GetString());
    }

    [Fact]
    public void The_csv_has_one_line_per_row_with_empty_fields_for_unknown_figures()
    {
        var report = new BenchReport(Machine, new BenchSettings(),
            [Packing("P/class1", "a", 11, 10, 11) with { Seconds = 2.5 }, BenchRow.Failed("planted", "K=9", "planted", "stopped, after 3 s")], []);
        var rows = new StringWriter();
        var summary = new StringWriter();

        BenchCsv.WriteRows(report, rows);
        BenchCsv.WriteVectorPacking(report, summary);

        var lines = rows.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", BenchCsv.RowHeader), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("vector-packing,a,P/class1,20,20,3,2.5,11,1,11,10,1.1,,,", lines[1]);
        Assert.EndsWith(",false,,,\"stopped, after 3 s\"", lines[2]);
        Assert.Equal(4, summary.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_text_table_aligns_columns_and_shows_errors_the_summary_and_what_was_skipped()
    {
        var report = new BenchReport(Machine, new BenchSettings(),
            [Packing("P/class1", "a", 11, 10, 11) with { Seconds = 2.5 }, BenchRow.Failed("planted", "K=9", "planted", "infeasible: x")],
            ["vector packing: folder not found"]);
        var text = new StringWriter();

        BenchText.Write(report, text);

        var lines = text.ToString().Split('\n');
        Assert.StartsWith("machine: Test CPU, 2 cores", lines[0]);
        var header = lines.Single(l => l.StartsWith("family"));
        var first = lines.Single(l => l.StartsWith("vector-packing"));
        // Numbers are right-aligned under their header: the optimum 10 ends where "optimum" ends.
        var end = header.IndexOf("optimum", StringComparison.Ordinal) + "optimum".Length;
        Assert.Equal(" 10  1.100", first[(end - 3)..(end + 7)]);
        Assert.Contains(lines, l => l.StartsWith("planted") && l.EndsWith("error: infeasible: x"));
        Assert.Contains(lines, l => l.StartsWith("P/class1") && l.Contains("0.0%"));
        Assert.Contains("skipped: vector packing: folder not found", lines);
    }

    [Fact]
    public void The_cpu_model_comes_from_the_first_model_name_line()
    {
        Assert.Equal("AMD EPYC 7B13", BenchMachine.CpuModel("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nmodel name\t: other\n"));
        Assert.Null(BenchMachine.CpuModel("processor\t: 0\n"));
        Assert.Null(BenchMachine.CpuModel(null));
    }
}
