using System.Collections.Immutable;
using Consolidator.Datasets;

namespace Consolidator.Benchmarks;

/// <summary>The families <c>bench</c> knows, in the order it runs them.</summary>
public static class BenchFamilies
{
    public static readonly ImmutableArray<string> Names =
        [PlantedFamily.FamilyName, GeneratedFamily.FamilyName, SharedDatasetsFamily.FamilyName, VectorPackingFamily.FamilyName, ThroughputFamily.FamilyName];

    /// <summary>The families <paramref name="settings"/> select (all when it names none).</summary>
    /// <param name="importers">The dataset formats the shared-datasets family may read.</param>
    public static ImmutableArray<IBenchFamily> Standard(BenchSettings settings, IReadOnlyList<IDatasetImporter> importers)
    {
        settings.Validate();
        var unknown = settings.Families.Where(f => !Names.Contains(f)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(settings.Families), string.Join(",", unknown),
                $"--family must name some of: {string.Join(", ", Names)} (not '{string.Join(",", unknown)}')");
        IBenchFamily[] all =
        [
            new PlantedFamily(settings),
            new GeneratedFamily(settings),
            new SharedDatasetsFamily(settings, importers),
            new VectorPackingFamily(settings),
            new ThroughputFamily(settings),
        ];
        return [.. all.Where(f => settings.Families.IsEmpty || settings.Families.Contains(f.Name))];
    }
}
