using System.Collections.Immutable;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Packing;
using Consolidator.Profiles;

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
        if (settings.SharedFolder is null) return new BenchCases([], ["shared datasets: no shared folder given"]);
        var root = Path.Combine(settings.SharedFolder, DatasetsFolder);
        var folders = DatasetFolders.Under(root);
        if (folders.Count == 0) return new BenchCases([], [$"shared datasets: {root} not found or empty"]);

        var cases = ImmutableArray.CreateBuilder<BenchCase>();
        var skipped = ImmutableArray.CreateBuilder<string>();
        var limit = settings.Limit(30, 60);
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
                cases.Add(new BenchCase(Name, dayName, Name, $"{dayName} (first day; {importer.Format} importer)", limit, () => Run(dayName, day, importer, limit)));
                continue;
            }
            cases.Add(new BenchCase(Name, name, Name, $"{name} ({importer.Format} importer)", limit, () => Run(name, folder, importer, limit)));
        }
        return new BenchCases(cases.ToImmutable(), skipped.ToImmutable());
    }

    private BenchRow Run(string name, string folder, IDatasetImporter importer, double limit)
    {
        var dataset = importer.Read(folder);
        var request = settings.Request(new PlacementOptions(), limit);
        return PlanBench.Run(Name, name, Name, new PlanInstance(dataset, WindowScheme.Hourly(), BenchDefaults.Percentile, request));
    }
}
