using Consolidator.Simulation;
using CsCheck;

namespace Consolidator.Tests.Simulation;

public class MigrationModelProperties
{
    /// <summary>A VM of 256 MiB to 64 GiB with a two-class dirty profile, and a wire bandwidth of 10 to 5000 MiB/s.</summary>
    private static readonly Gen<(VmMigrationInputs Vm, double Wire)> Cases =
        Gen.Select(Gen.Int[1, 256], Gen.Int[0, 400], Gen.Int[1, 40], Gen.Int[0, 200], Gen.Int[10, 5000],
            (quarterGib, hot, rewriteTenths, cold, wire) =>
                (new VmMigrationInputs(quarterGib * 256.0, new DirtyProfile(hot, rewriteTenths / 10.0, cold), 1), (double)wire));

    private static readonly SimulationOptions Options = new();

    [Fact]
    public void Pre_copy_sends_at_least_the_vms_memory()
    {
        Cases.Sample((vm, wire) =>
        {
            var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, wire, Options);
            Assert.True(r.PageMib >= vm.MemoryMib - 1e-6, $"sent {r.PageMib} MiB of {vm.MemoryMib}");
            Assert.True(r.DowntimeSeconds > 0 && r.TotalSeconds >= r.DowntimeSeconds);
        }, iter: 2000);
    }

    [Fact]
    public void Pre_copy_downtime_never_rises_with_bandwidth()
    {
        Gen.Select(Cases, Gen.Int[101, 400]).Sample((c, percent) =>
        {
            var slow = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, c.Wire, Options);
            var fast = LiveMigration.Run(c.Vm, MigrationMethod.PreCopy, c.Wire * percent / 100.0, Options);
            Assert.True(fast.DowntimeSeconds <= slow.DowntimeSeconds + 1e-9,
                $"downtime {slow.DowntimeSeconds} s at {c.Wire} MiB/s but {fast.DowntimeSeconds} s at {c.Wire * percent / 100.0} MiB/s");
        }, iter: 2000);
    }

    [Fact]
    public void Downtime_falls_strictly_as_bandwidth_rises_for_a_vm_that_does_not_converge()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(400), 1);
        var downtimes = new[] { 100.0, 150, 200, 300 }.Select(w => LiveMigration.Run(vm, MigrationMethod.PreCopy, w, Options)).ToArray();

        Assert.All(downtimes, d => Assert.False(d.Converged));
        for (var k = 1; k < downtimes.Length; k++) Assert.True(downtimes[k].DowntimeSeconds < downtimes[k - 1].DowntimeSeconds);
    }

    [Fact]
    public void A_vm_dirtying_faster_than_the_link_does_not_converge_under_pre_copy_and_auto_moves_it_post_copy()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[10, 2000], Gen.Int[101, 300]).Sample((gib, wire, percent) =>
        {
            var vm = new VmMigrationInputs(gib * 1024.0, DirtyProfile.FromRate(wire * percent / 100.0), 1);

            var pre = LiveMigration.Run(vm, MigrationMethod.PreCopy, wire, Options);
            var choice = MethodChoice.Choose(vm, wire, Options);

            Assert.False(pre.Converged);
            Assert.True(pre.DowntimeSeconds > Options.MaxDowntimeSeconds);
            Assert.NotEqual(MigrationMethod.PreCopy, choice.Method);
            Assert.Contains("pre-copy does not converge", choice.Reason);
        }, iter: 500);
    }

    [Fact]
    public void Auto_keeps_pre_copy_when_it_converges_within_the_target()
    {
        var vm = new VmMigrationInputs(4096, DirtyProfile.FromRate(20), 1);

        var choice = MethodChoice.Choose(vm, 1000, Options);

        Assert.Equal(MigrationMethod.PreCopy, choice.Method);
        Assert.True(choice.Predicted.Converged);
        Assert.Equal(0.3, choice.Predicted.DowntimeSeconds, 6);
    }

    [Fact]
    public void Post_copy_moves_each_page_once_and_stops_the_vm_only_for_its_state()
    {
        Cases.Sample((vm, wire) =>
        {
            var r = LiveMigration.Run(vm, MigrationMethod.PostCopy, wire, Options);
            Assert.Equal(vm.MemoryMib + vm.DeviceStateMib, r.PageMib, 6);
            Assert.Equal(vm.DeviceStateMib / wire + Options.ResumeSeconds, r.DowntimeSeconds, 9);
            Assert.Equal(vm.MemoryMib / wire, r.DegradedSeconds, 6);
            Assert.Equal(0, r.Rounds);
        }, iter: 1000);
    }

    [Fact]
    public void Hybrid_sends_one_full_pass_then_pulls_what_was_dirtied_during_it()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(300), 1);

        var r = LiveMigration.Run(vm, MigrationMethod.Hybrid, 250, Options);

        var firstPass = 8192 / 250.0;
        Assert.Equal(vm.Dirty.Dirtied(firstPass, 8192), r.PendingAtStopMib, 6);
        Assert.Equal(8192 + 1 + r.PendingAtStopMib, r.PageMib, 6);
        Assert.Equal(1, r.Rounds);
        Assert.True(r.DowntimeSeconds < 0.1);
    }

    [Fact]
    public void Compression_shrinks_the_wire_data_by_its_ratio_and_speeds_a_slow_link()
    {
        var vm = new VmMigrationInputs(4096, DirtyProfile.FromRate(10), 1);
        var plain = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, Options);
        var compressed = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, Options with { Compression = new PageCompression(2, 1000) });
        var cpuBound = LiveMigration.Run(vm, MigrationMethod.PostCopy, 100, Options with { Compression = new PageCompression(2, 150) });

        Assert.Equal(plain.PageMib / 2, compressed.WireMib, 6);
        Assert.Equal(plain.TotalSeconds / 2, compressed.TotalSeconds, 2);
        Assert.Equal(4097 / 150.0 + Options.ResumeSeconds, cpuBound.TotalSeconds, 6);
    }

    [Fact]
    public void Xen_stops_after_five_rounds_whatever_is_left()
    {
        var vm = new VmMigrationInputs(8192, DirtyProfile.FromRate(90), 1);
        var r = LiveMigration.Run(vm, MigrationMethod.PreCopy, 100, Options with { StopRules = PreCopyStopRules.Xen });

        Assert.Equal(5, r.Rounds);
        Assert.False(r.Converged);
    }
}
