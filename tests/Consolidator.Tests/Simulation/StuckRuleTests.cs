using Consolidator.Calibration;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

/// <summary>The model's stuck rule (a pre-copy cycle that stops shrinking with nil odds at every check is ended only by a
/// management timeout) against every recorded QEMU migration: QEMU 7.2 has no timeout of its own and the lab set none but
/// in its suspend scenarios, so every replay the rule ends is a run QEMU converged, a known miss of the model's
/// (docs/simulator.md, "The stuck rule against every recorded run that reaches it"). The list is exact: a new recording
/// whose replay reaches the rule, or a model change that frees one of these, fails here, so the docs cannot go stale.</summary>
public class StuckRuleTests(ITestOutputHelper output)
{
    /// <summary>Recording file and point id of every replay the rule ends, each a run whose migration thread got
    /// 0.03-0.13 of a core.</summary>
    private static readonly string[] KnownStuck =
    [
        "qemu-7.2-tcg-busy.csv pre-r16-w64-l200",
        "qemu-7.2-tcg-busy.csv pre-r32-w128",
        "qemu-7.2-tcg-busy.csv pre-r32-w64",
        "qemu-7.2-tcg-fresh.csv fresh-pre-r24-w64-l300-d500 run 1",
    ];

    [Fact]
    public void Only_the_known_starved_runs_reach_the_stuck_rule_and_QEMU_converged_in_each()
    {
        var folder = Path.Combine(RepoPaths.Root, "datasets", "calibration");
        var stuck = new List<string>();
        var replayed = 0;
        foreach (var file in Directory.GetFiles(folder, "qemu-7.2-tcg*.csv").Order(StringComparer.Ordinal))
        {
            // The TCP-split traces and the stop checks' traces are not migration recordings.
            if (file.EndsWith("-cwnd.csv", StringComparison.Ordinal) || file.EndsWith("-checks.csv", StringComparison.Ordinal)) continue;
            var recording = LabRecording.Read(file);
            var rows = recording.Rows;
            foreach (var point in LabPoints.From(recording, LabEnvironment.Fitted).Where(p => p.NotReproducible is null))
            {
                var results = ReferenceReplay.Predict(point);
                replayed += results.Length;
                // A migration the recording suspended itself ends at its own suspend, as QEMU's did.
                if (point.Options.PreCopyTimeoutSeconds is not null) continue;
                foreach (var r in results.Where(r => !r.Converged))
                {
                    var id = $"{Path.GetFileName(file)} {point.Id}";
                    stuck.Add(id);
                    output.WriteLine($"{id}: model {r.TotalSeconds:0.00} s, {r.Rounds} syncs, suspended at {r.TimeoutSeconds:0.#} s; " +
                        $"QEMU {point.Measured[r.Vm].TotalLowSeconds:0.00} s, converged");
                    Assert.True(point.Measured[r.Vm].TotalLowSeconds is > 0, id);
                }
            }
        }
        output.WriteLine($"migrations replayed: {replayed}");
        Assert.True(replayed > 400, $"only {replayed} recorded migrations were replayed");
        Assert.Equal(KnownStuck, stuck.Order(StringComparer.Ordinal));
    }
}
