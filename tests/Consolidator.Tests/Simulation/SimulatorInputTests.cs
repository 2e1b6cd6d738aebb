using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Simulation;

public class SimulatorInputTests
{
    [Fact]
    public void Dirty_rate_comes_from_the_inventory_else_from_the_class_default()
    {
        Host[] hosts = [TestInstances.Host("h1", cores: 32, memMib: 262144) with { NicGbps = 25 }, TestInstances.Host("h2", cores: 32, memMib: 262144)];
        Vm[] vms = [new("day", 2, 4096, "h1") { DirtyRateMibPerSecond = 7 }, new("night", 2, 4096, "h1"), new("flat", 2, 4096, "h2")];
        static bool Day(int hour) => hour is >= 7 and < 19;
        var data = TestInstances.Make(hosts, vms, (v, h) => (v switch
        {
            0 => Day(h) ? 4 : 0.5,
            1 => Day(h) ? 0.5 : 4,
            _ => 2,
        }, 2048));
        var problem = PlacementProblem.From(data, ProfileBuilder.Build(data, WindowScheme.Hourly(), 95), new PlacementOptions());

        var inputs = Simulator.Inputs(problem, data.Usage, new SimulationOptions());
        var nic = Simulator.NicGoodput(problem, new SimulationOptions(DefaultNicGbps: 10));

        Assert.Equal(7, inputs[0].Dirty.RateMibPerSecond, 9);
        Assert.Equal(DirtyProfile.DefaultRateMibPerSecond(VmClass.NightPeaking), inputs[1].Dirty.RateMibPerSecond, 9);
        Assert.Equal(DirtyProfile.DefaultRateMibPerSecond(VmClass.Flat), inputs[2].Dirty.RateMibPerSecond, 9);
        Assert.Equal(4096, inputs[2].MemoryMib);
        Assert.Equal([LinkProfile.Tcp.GoodputMibPerSecond(25), LinkProfile.Tcp.GoodputMibPerSecond(10)], nic);
    }

    [Fact]
    public void A_migration_too_long_to_be_real_is_one_short_line_naming_the_vm_and_its_hosts()
    {
        // An 11 TiB guest on 1 Mbit/s NICs, the slowest the inputs take: over three years, once printed with its digits.
        var p = SmallClusters.Problem([(64, 2e7, Host.MinNicGbps), (64, 2e7, Host.MinNicGbps)], [(2, 1.2e7, 1)]);
        var plan = SmallClusters.Plan([new Consolidator.Staging.Migration(0, 1, 0, Consolidator.Staging.MigrationKind.Move)]);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SmallClusters.Run(p, plan, new SimulationOptions(Method: MethodSelection.PostCopy)));

        Assert.StartsWith("the live migration of vm0 from h1 to h0 would take more than a year (3.", e.Message);
        Assert.Contains(" years) at 0.", e.Message);
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Fact]
    public void The_default_shape_splits_a_rate_like_the_measured_stress_50K_profile()
    {
        var p = DirtyProfile.FromRate(50.6);

        Assert.Equal(56, p.HotSetMib, 9);
        Assert.Equal(2, p.HotRewriteSeconds);
        Assert.Equal(22.6, p.ColdRateMibPerSecond, 9);
        Assert.Equal(50.6, p.RateMibPerSecond, 9);
        Assert.Equal(56 + 22.6 * 10, p.Dirtied(10, 1e6), 9);
        Assert.Equal(1000, p.Dirtied(100, 1000));
    }

    [Fact]
    public void Hosts_over_capacity_on_the_raw_trace_are_counted_in_host_hours()
    {
        Host[] hosts = [TestInstances.Host("h1", cores: 4, memMib: 65536), TestInstances.Host("h2", cores: 4, memMib: 65536)];
        Vm[] vms = [new("a", 4, 1024, "h1"), new("b", 4, 1024, "h2")];
        // Each VM uses 3 cores from 10:00 to 12:00 and 1 core otherwise: together they overload one host for 2 h.
        var data = TestInstances.Make(hosts, vms, (_, h) => (h is 10 or 11 ? 3 : 1, 1024), days: 2);
        var problem = PlacementProblem.From(data, ProfileBuilder.Build(data, WindowScheme.Hourly(), 95), new PlacementOptions());

        var apart = OverCapacity.Measure(problem, new Placement([0, 1]), data.Usage);
        var together = OverCapacity.Measure(problem, new Placement([0, 0]), data.Usage);

        Assert.Equal((0.0, 0), apart);
        Assert.Equal((4.0, 1), together);
        Assert.Equal(48, OverCapacity.TraceHours(data.Usage));
    }
}
