using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Traces;

namespace Consolidator.Benchmarks;

/// <summary>Every folder under <c>shared/datasets</c> that one of the importers recognises, planned with the
/// <c>plan</c> command's defaults. A folder no importer reads is skipped with a message, as is a missing
/// shared folder; the vector packing folder belongs to its own family.</summary>
public sealed class SharedDatasetsFamily(BenchSettings settings, IReadOnlyList<IDatasetImporter> importers) : IBenchFamily
{
    public const string FamilyName = "shared";
    public const string DatasetsFolder = "datasets";

    public string Name => FamilyName;

    public BenchCases Cases()
    {
        var limit = settings.Limit(30, 60);
        var (sources, skipped) = Sources(settings, importers);
        var cases = sources.Select(d => new BenchCase(Name, d.Name, Name, d.Description, limit, () => Run(d, limit)));
        return new BenchCases([.. cases], skipped);
    }

    /// <summary>A shared dataset an importer reads: its name, what it is, and how to read it.</summary>
    public sealed record Source(string Name, string Description, Func<Dataset> Read);

    /// <summary>The shared datasets the importers read, in folder order, and a message for each folder left out.</summary>
    public static (ImmutableArray<Source> Sources, ImmutableArray<string> Skipped) Sources(BenchSettings settings, IReadOnlyList<IDatasetImporter> importers)
    {
        if (settings.SharedFolder is null) return ([], ["shared datasets: no shared folder given"]);
        var root = Path.Combine(settings.SharedFolder, DatasetsFolder);
        var folders = DatasetFolders.Under(root);
        if (folders.Count == 0) return ([], [$"shared datasets: {root} not found or empty"]);

        var sources = ImmutableArray.CreateBuilder<Source>();
        var skipped = ImmutableArray.CreateBuilder<string>();
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            if (name == VectorPackingFamily.FolderName) continue;
            var importer = importers.FirstOrDefault(i => i.Recognises(folder));
            if (importer is null)
            {
                skipped.Add($"shared datasets: no importer reads {name}/ (formats known: {string.Join(", ", importers.Select(i => i.Format))})");
                continue;
            }
            // PlanetLab's days are separate samples of the fleet, not one timeline: their VMs together overflow the
            // inventory's memory, so the bench plans the first day, as a planner would plan one day's load.
            if (importer is PlanetLabTraceImporter && DatasetFolders.Under(folder).Where(importer.Recognises).Order(StringComparer.Ordinal).FirstOrDefault() is { } day)
            {
                var dayName = $"{name}/{Path.GetFileName(day)}";
                sources.Add(new Source(dayName, $"{dayName} (first day; {importer.Format} importer)", () => importer.Read(day)));
                continue;
            }
            sources.Add(new Source(name, $"{name} ({importer.Format} importer)", () => importer.Read(folder)));
        }
        return (sources.ToImmutable(), skipped.ToImmutable());
    }

    private BenchRow Run(Source source, double limit)
    {
        var request = settings.Request(new PlacementOptions(), limit);
        return PlanBench.Run(Name, source.Name, Name, new PlanInstance(source.Read(), WindowScheme.Hourly(), BenchDefaults.Percentile, request));
    }
}
