using Consolidator.Benchmarks;
using Consolidator.Datasets;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Benchmarks;

/// <summary>The published instances in ../shared/datasets/vector-packing; skipped when that folder is absent.</summary>
public sealed class PublishedVectorPackingTests(ITestOutputHelper output)
{
    private string? Folder()
    {
        var folder = RepoPaths.Shared is { } shared ? Path.Combine(shared, "datasets", VectorPackingFamily.FolderName) : null;
        if (folder is not null && Directory.Exists(folder)) return folder;
        output.WriteLine("skipped: ../shared/datasets/vector-packing is not on this machine");
        return null;
    }

    [Fact]
    public void Every_published_instance_reads_and_matches_its_name_and_results_row()
    {
        if (Folder() is not { } folder) return;
        var catalog = VectorPackingCatalog.TryLoad(folder)!;

        Assert.Equal(980, catalog.Entries.Length);
        Assert.Empty(catalog.Notes);
        foreach (var entry in catalog.Entries)
        {
            var instance = VbpReader.Read(entry.Path);
            Assert.Equal(entry.Dimensions, instance.Dimensions);
            // Panigrahy class9 files hold n + 1 items (a quirk kept as published).
            Assert.Equal(entry.Group == "Panigrahy/class9" ? entry.Items + 1 : entry.Items, instance.Items.Length);
            Assert.NotNull(entry.Published);
        }
        // Triplet instances are built so that n/3 bins are filled exactly.
        Assert.All(catalog.Entries.Where(e => e.Benchmark == "Triplet"), e => Assert.Equal(e.Items / 3, e.Published!.Optimum));
    }

    [Fact]
    public void Small_instances_never_use_fewer_bins_than_the_published_optimum_or_lower_bound()
    {
        if (Folder() is null) return;
        var settings = new BenchSettings { SharedFolder = RepoPaths.Shared, VectorPackingMaxItems = 20, VectorPackingPerSize = 1, TimeLimitSeconds = 2, Deterministic = true };
        // One instance of each of a few classes whose optimum is known, all different in shape.
        string[] picked = ["New/class1_20_3_0", "New/class4_20_3_0", "Panigrahy/class1_20_3_0", "Panigrahy/class9_20_3_0"];
        var cases = new VectorPackingFamily(settings).Cases().Cases.Where(c => picked.Contains(c.Instance)).ToArray();
        Assert.Equal(picked.Length, cases.Length);

        foreach (var c in cases)
        {
            var row = c.Run();
            output.WriteLine($"{row.Instance}: {row.ActiveHosts} bins, optimum {row.Optimum}, published LB {row.PublishedLowerBound}, best heuristic {row.PublishedBestHeuristic}");
            Assert.NotNull(row.Optimum);
            Assert.True(row.ActiveHosts >= row.Optimum, $"{row.Instance}: {row.ActiveHosts} bins, below the optimum {row.Optimum}");
            Assert.True(row.ActiveHosts >= row.PublishedLowerBound);
            Assert.True(row.LowerBound <= row.Optimum, $"{row.Instance}: our lower bound {row.LowerBound} is above the optimum {row.Optimum}");
            Assert.False(row.BelowBound);
        }
    }
}
