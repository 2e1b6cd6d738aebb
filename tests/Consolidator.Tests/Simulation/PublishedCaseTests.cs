using Consolidator.Simulation;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Simulation;

/// <summary>The models against published measurements (migration.md section 6).</summary>
/// <remarks>
/// Tolerance on total migration time: 35 % beyond the measured value or range. The published pre-copy
/// models claim about 90 % accuracy only when calibrated on each workload (Akoush et al. 2010, Liu et al.
/// 2011); these cases give a single dirty rate (V1) or a profile measured on other runs (V6). Repeated runs
/// of the same migration spread as widely: V1's worst run took 161 s against a mean of 112.4 s (+43 %), V6's
/// 3000 MiB at 500 Mbit/s took 56 to 73 s (+30 %). BtrPlace's own model, calibrated on the V6 testbed, misses
/// its runs by up to 32 % (migration.md). The largest miss here is V6 at 2000 MiB and 500 Mbit/s (+31 %),
/// where the two-class model re-sends the hot set more often than the testbed did.
///
/// Tolerance on downtime: a factor of 2. Under QEMU's rule a converged migration stops the VM for about its
/// target (the model: exactly), while real runs land around it, from 0.8x (V2: 244 ms at 300 ms) to 1.5x
/// (V1: 451 ms at 300 ms) depending on how well QEMU estimated its bandwidth at the switch.
///
/// Non-convergence cases (V3, V4) must not converge, and auto must move them with post-copy or hybrid.
/// </remarks>
public class PublishedCaseTests(ITestOutputHelper output)
{
    public const double TimeTolerance = 0.35;
    public const double DowntimeFactor = 2;

    public static TheoryData<string> CaseIds => new(PublishedCases.All.Select(c => c.Id));

    private static PublishedCases.Case Find(string id) => PublishedCases.All.Single(c => c.Id == id);

    private static VmMigrationInputs Vm(PublishedCases.Case c) => new(c.MemoryMib, c.Dirty, 1);

    private static SimulationOptions Options(PublishedCases.Case c) => new(MaxDowntimeSeconds: c.DowntimeTargetSeconds);

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Pre_copy_matches_the_measurement_within_tolerance(string id)
    {
        var c = Find(id);
        var r = LiveMigration.Run(Vm(c), MigrationMethod.PreCopy, c.WireMibPerSecond, Options(c));
        output.WriteLine($"{c.Id}: total {r.TotalSeconds:0.0} s (measured {c.TotalLowSeconds}-{c.TotalHighSeconds}), downtime {r.DowntimeSeconds * 1000:0} ms (measured {c.DowntimeSeconds * 1000}), {r.PageMib:0} MiB, {r.Rounds} rounds, converged {r.Converged}");

        Assert.Equal(c.Converges, r.Converged);
        if (c.TotalLowSeconds is { } low && c.TotalHighSeconds is { } high)
        {
            Assert.InRange(r.TotalSeconds, low * (1 - TimeTolerance), high * (1 + TimeTolerance));
        }
        if (c.DowntimeSeconds is { } downtime)
        {
            Assert.InRange(r.DowntimeSeconds, downtime / DowntimeFactor, downtime * DowntimeFactor);
        }
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Auto_keeps_pre_copy_exactly_where_it_converged(string id)
    {
        var c = Find(id);
        var choice = MethodChoice.Choose(Vm(c), c.WireMibPerSecond, Options(c));
        output.WriteLine($"{c.Id}: {MigrationMethods.Name(choice.Method)} - {choice.Reason}");

        Assert.Equal(c.Converges, choice.Method == MigrationMethod.PreCopy);
    }

    [Fact]
    public void V1_first_pass_takes_the_measured_67_s_at_line_rate()
    {
        // V1's first iteration sent 8 GiB in about 67.4 s; at 93 % of 1 Gbit/s the model takes 73.9 s (+10 %):
        // the measured pass ran at 102 % of line rate because an idle guest's zero pages cross almost free.
        var firstPass = PublishedCases.V1.MemoryMib / PublishedCases.V1.WireMibPerSecond;
        Assert.InRange(firstPass, 67.4, 67.4 * (1 + TimeTolerance));
    }

    [Fact]
    public void The_constants_are_the_figures_migration_md_gives()
    {
        if (RepoPaths.Shared is not { } shared)
        {
            output.WriteLine("../shared is absent: the cross-check against research/migration.md is skipped; the cases above still run on their constants");
            return;
        }
        var path = Path.Combine(shared, "research", "migration.md");
        if (!File.Exists(path))
        {
            output.WriteLine($"{path} is absent: cross-check skipped");
            return;
        }
        var text = File.ReadAllText(path);
        var rows = text.Split('\n').Where(l => l.StartsWith("| V", StringComparison.Ordinal)).ToArray();
        foreach (var c in PublishedCases.All)
        {
            var row = Assert.Single(rows, l => l.StartsWith($"| {c.Row} |", StringComparison.Ordinal));
            foreach (var quoted in c.Quoted) Assert.True(row.Contains(quoted, StringComparison.Ordinal), $"{c.Id}: migration.md's row does not say {quoted}");
        }
        Assert.Contains("`stress --vm 1000 --bytes 70K` → 96 MiB / 2 s / 2 MiB/s", text);
        Assert.Contains("H = 56, τ = 2, c = 22.6", text);
        Assert.Contains("**300 ms** (`DEFAULT_MIGRATE_SET_DOWNTIME`)", text);
    }
}
