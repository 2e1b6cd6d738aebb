using Consolidator.Benchmarks;
using Consolidator.Cli.Commands;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

public sealed class FleetFamilyTests
{
    private static BenchSettings Settings(bool deterministic = false) => new()
    {
        Families = [FleetFamily.FamilyName],
        GeneratedVms = [40],
        TimeLimitSeconds = 5,
        Deterministic = deterministic,
    };

    [Fact]
    public void A_fleet_case_runs_the_plan_command_in_its_own_process_and_reads_its_plan()
    {
        using var cache = new TempDirectory();
        var family = new FleetFamily(Settings(), cache.Path);
        var c = Assert.Single(family.Cases().Cases);
        Assert.Equal("fleet/vms=40 limit=5", c.Id);

        var row = c.Run();

        Assert.True(row.Error is null, row.Error);
        Assert.Equal((40, 10), (row.Vms, row.Hosts));
        Assert.True(row.ActiveHosts >= row.LowerBound && row.LowerBound > 0);
        Assert.True(row.EnergyVsLowerBound >= 1);
        Assert.True(row.KeptInPlace <= row.KeepableUpperBound);
        Assert.True(row.Seconds > 0 && row.PeakMemoryMib > 0);
        Assert.StartsWith("time: ", row.Note);
        // The fleet was generated once into the cache, the plan's scratch output removed.
        Assert.Single(Directory.GetDirectories(cache.Path));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), $"consolidator-fleet-plan-{Environment.ProcessId}"));
    }

    /// <summary>At 100,000 VMs the row kept only the time line, so why the replay was left out was not shown. A limit
    /// below the planner's margin and the replay's fixed part (1 s, the least plan takes) leaves the replay out on any
    /// machine: the row says so in the plan's own words.</summary>
    [Fact]
    public void A_fleet_row_says_why_the_replay_was_left_out()
    {
        using var cache = new TempDirectory();
        var row = Assert.Single(new FleetFamily(Settings() with { TimeLimitSeconds = 1 }, cache.Path).Cases().Cases).Run();

        Assert.True(row.Error is null, row.Error);
        var note = row.Note ?? "";
        Assert.StartsWith("time: ", note);
        Assert.Contains(FleetFamily.ReplayLeftOut, note);
        Assert.DoesNotContain("replay ", note[..note.IndexOf(';', StringComparison.Ordinal)]); // the time line names no replay
    }

    [Fact]
    public void The_fleet_family_runs_only_when_named_and_not_in_the_deterministic_mode()
    {
        Assert.True(new FleetFamily(Settings()).OnlyWhenNamed);
        var cases = new FleetFamily(Settings(deterministic: true)).Cases();
        Assert.Empty(cases.Cases);
        Assert.Contains("wall-clock", Assert.Single(cases.Skipped));
    }
}
