using System.Collections.Immutable;
using Consolidator.Importers;
using Consolidator.Simulation;

namespace Consolidator.Benchmarks;

/// <summary>Rows that measure throughput rather than plans: the simulator's replay rate on a generated plan
/// of 30,000 migrations (issue 14: under 15 s), and the ingest rate of a generated usage.csv against a plain
/// line-count read of the same file in the same run (quick: 1 million rows; --full: 10 million).</summary>
public sealed class ThroughputFamily(BenchSettings settings) : IBenchFamily
{
    /// <summary>Issue 14: the replay of 30,000 migrations stays under 15 s after ingest.</summary>
    public const int ReplayMigrations = 30_000;

    public const string FamilyName = "throughput";

    public string Name => FamilyName;

    public BenchCases Cases()
    {
        var rows = settings.Full ? 10_000_000L : 1_000_000L;
        return new BenchCases(
        [
            new BenchCase(Name, $"replay-{ReplayMigrations}", null, $"simulator replay of a plan of {ReplayMigrations} migrations", 0, Replay),
            new BenchCase(Name, $"ingest-{rows}", null, $"reading a generated usage.csv of {rows} rows", 0, () => Ingest(rows)),
        ], []);
    }

    private BenchRow Replay()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rate = Benchmark.ReplayRate(ReplayMigrations, settings.Seed);
        return new BenchRow
        {
            Family = Name,
            Instance = $"replay-{ReplayMigrations}",
            Seconds = clock.Elapsed.TotalSeconds,
            Measures = ImmutableSortedDictionary.CreateRange(new Dictionary<string, double>
            {
                ["migrations"] = ReplayMigrations,
                ["migrations_per_second"] = Math.Round(rate),
                ["replay_seconds"] = Math.Round(ReplayMigrations / rate, 3),
            }),
        };
    }

    private BenchRow Ingest(long rows)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "consolidator-ingest-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = IngestBenchmark.Run(scratch, rows);
            return new BenchRow
            {
                Family = Name,
                Instance = $"ingest-{rows}",
                Vms = r.Vms,
                Seconds = r.IngestSeconds,
                Measures = ImmutableSortedDictionary.CreateRange(new Dictionary<string, double>
                {
                    ["rows"] = r.Rows,
                    ["rows_per_second"] = Math.Round(r.RowsPerSecond),
                    ["line_read_rows_per_second"] = Math.Round(r.LineReadRowsPerSecond),
                    ["ratio_to_line_read"] = Math.Round(r.RatioToLineRead, 3),
                    ["peak_managed_mib"] = Math.Round(r.PeakManagedBytes / 1048576.0, 1),
                    ["peak_bytes_per_row"] = Math.Round(r.PeakBytesPerRow, 1),
                }),
            };
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
