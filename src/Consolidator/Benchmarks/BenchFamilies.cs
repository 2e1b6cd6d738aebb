using System.Collections.Immutable;
using Consolidator.Datasets;

namespace Consolidator.Benchmarks;

/// <summary>The families <c>bench</c> knows, in the order it runs them.</summary>
public static class BenchFamilies
{
    public static readonly ImmutableArray<string> Names =
        [PlantedFamily.FamilyName, GeneratedFamily.FamilyName, SharedDatasetsFamily.FamilyName, VectorPackingFamily.FamilyName, ThroughputFamily.FamilyName, AblationFamily.FamilyName];

    /// <summary>The families <paramref name="settings"/> select (all when it names none).</summary>
    /// <param name="importers">The dataset formats the shared-datasets family may read.</param>
    /// <param name="more">Families defined outside this library (the QEMU lab), run after the others.</param>
    public static ImmutableArray<IBenchFamily> Standard(BenchSettings settings, IReadOnlyList<IDatasetImporter> importers, params IBenchFamily[] more)
    {
        settings.Validate();
        var names = Names.Concat(more.Select(f => f.Name)).ToArray();
        var unknown = settings.Families.Where(f => !names.Contains(f)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(settings.Families), string.Join(",", unknown),
                $"--family must name some of: {string.Join(", ", names)} (not '{Quoted.Value(string.Join(",", unknown))}')");
        IBenchFamily[] all =
        [
            new PlantedFamily(settings),
            new GeneratedFamily(settings),
            new SharedDatasetsFamily(settings, importers),
            new VectorPackingFamily(settings),
            new ThroughputFamily(settings),
            new AblationFamily(settings, importers),
            .. more,
        ];
        return [.. all.Where(f => settings.Families.IsEmpty ? !f.OnlyWhenNamed : settings.Families.Contains(f.Name))];
    }
}
