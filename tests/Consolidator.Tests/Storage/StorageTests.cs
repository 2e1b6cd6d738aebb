using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Storage;
using Consolidator.Tests.Support;
using Consolidator.Traces;
using Consolidator.Validation;
using CsCheck;

namespace Consolidator.Tests.Storage;

/// <summary>Content-addressed local storage: what a host holds, what the validator accepts, and that every
/// plan on random fleets with local disks and shared images keeps every disk within its capacity.</summary>
public class StorageTests
{
    // ubuntu (20 GiB) <- web (24 GiB, 18 shared with ubuntu: 6 GiB of its own); centos (10 GiB) alone.
    private static readonly ImmutableArray<Image> Images = [new("ubuntu", 20), new("web", 24, "ubuntu", 18), new("centos", 10)];

    private static Vm Vm(string id, double diskGib, string? image, string? host = null) =>
        new(id, 1, 1024, host) { DiskGib = diskGib, ImageId = image };

    private static Host Local(string id, double diskGib) => TestInstances.Host(id) with { Storage = StorageKind.Local, DiskGib = diskGib };

    [Fact]
    public void A_store_holds_each_image_once_with_its_ancestors_plus_private_blocks()
    {
        var vms = new[] { Vm("a", 25, "web"), Vm("b", 30, "web"), Vm("c", 20, "ubuntu"), Vm("d", 12, "centos"), Vm("e", 3, null) };
        var d = new DiskLayout([Local("h", 100)], vms, Images);

        Assert.Equal([1024, 6 * 1024, 0, 2 * 1024, 3 * 1024], Enumerable.Range(0, 5).Select(d.PrivateMib));
        Assert.Equal((20 + 6 + 1) * 1024, d.AloneMib(0));        // private 1 + web 6 + ubuntu 20
        // a + b + c: ubuntu 20 and web 6 once, private 1 + 6 + 0.
        Assert.Equal((20 + 6 + 1 + 6) * 1024, d.FootprintMib([0, 1, 2]));
        Assert.Equal((27 + 32 + 20) * 1024, d.UndeduplicatedMib([0, 1, 2]));
        Assert.Equal((20 + 6 + 1 + 6 + 10 + 2 + 3) * 1024, d.FootprintMib([0, 1, 2, 3, 4]));
        // To a store that holds ubuntu, a move of b sends web's own blocks and b's private ones.
        Assert.Equal((6 + 6) * 1024, d.SendMib(1, new HashSet<int> { 0 }));
        Assert.Equal(100 * 1024, d.CapacityMib(0));
        Assert.True(d.Shares && d.Counts);
    }

    private static PlacementProblem Problem(Host[] hosts, Vm[] vms) =>
        PlacementProblem.From(TestInstances.Make(hosts, vms, (_, _) => (0.5, 512)) with { Images = Images },
            ProfileBuilder.Build(TestInstances.Make(hosts, vms, (_, _) => (0.5, 512)), WindowScheme.Slices(1), 100), new PlacementOptions());

    [Fact]
    public void The_validator_counts_shared_image_blocks_once()
    {
        // Three web VMs: 3 x 27 = 81 GiB counted whole, 26 + 3 = 29 GiB on a store that shares ubuntu and web.
        var p = Problem([Local("h0", 40), Local("h1", 28)], [Vm("a", 25, "web"), Vm("b", 25, "web"), Vm("c", 25, "web")]);

        Assert.Empty(PlanValidator.CheckPlacement(p, new Placement([0, 0, 0])));
        var over = PlanValidator.CheckPlacement(p, new Placement([1, 1, 1]));
        var v = Assert.Single(over);
        Assert.Equal("storage", v.Rule);
        Assert.Contains("h1 local storage holds 29 GiB", v.Message);
        Assert.Contains("has 28 GiB", v.Message);
    }

    [Fact]
    public void Shared_storage_hosts_hold_no_disks()
    {
        var p = Problem([TestInstances.Host("h0")], [Vm("a", 500, "web"), Vm("b", 500, "centos")]);
        Assert.Empty(PlanValidator.CheckPlacement(p, new Placement([0, 0])));
        Assert.False(p.Disks.Counts);
    }

    /// <summary>Three web VMs (27 GiB each counted whole, 29 GiB together on a store that holds ubuntu and web once)
    /// on hosts with 40 GiB disks: counted image by image they share one host; counted whole they need three.</summary>
    [Fact]
    public void Image_aware_placement_shares_a_host_that_whole_disks_would_overfill()
    {
        Host[] hosts = [Local("h0", 40), Local("h1", 40), Local("h2", 40)];
        Vm[] vms = [Vm("a", 25, "web"), Vm("b", 25, "web"), Vm("c", 25, "web")];
        var data = TestInstances.Make(hosts, vms, (_, _) => (0.5, 512)) with { Images = Images };
        var profiles = ProfileBuilder.Build(data, WindowScheme.Slices(1), 100);
        PlanOutcome Plan(bool whole) => Planner.Plan(data, profiles, new PlanRequest(new PlacementOptions(WholeDisks: whole), new SolverOptions(2, 1, 1, Deterministic: true)));

        var aware = Plan(whole: false);
        Assert.True(aware.Problem.CountsImagesOnce);
        Assert.Equal(1, aware.Target.ActiveHostCount);
        Assert.Equal(SolveStatus.Optimal, aware.Solve.Status); // proven for the stores as they are
        Assert.Equal(29, aware.Summary.Storage!.UsedGiBAfter, 6);

        var whole = Plan(whole: true);
        Assert.False(whole.Problem.CountsImagesOnce);
        Assert.Equal(3, whole.Target.ActiveHostCount);
    }

    /// <summary>Above StoreTally.MaxEntries host x image counters placement counts disks whole and says why; at the
    /// limit it still counts images once. 1,000 local hosts and 2,000 or 2,001 images in use (two VMs share one).</summary>
    [Theory]
    [InlineData(2000, true)]
    [InlineData(2001, false)]
    public void A_fleet_too_large_for_image_aware_counting_falls_back_to_whole_disks_and_says_so(int images, bool once)
    {
        ImmutableArray<Host> hosts = [.. Enumerable.Range(0, 1000).Select(h => Local($"h{h}", 100))];
        ImmutableArray<Image> catalog = [.. Enumerable.Range(0, images).Select(i => new Image($"i{i}", 1))];
        ImmutableArray<Vm> vms = [.. Enumerable.Range(0, images + 1).Select(v => Vm($"v{v}", 2, $"i{Math.Min(v, images - 1)}"))];
        var p = new PlacementProblem(hosts, vms, WindowScheme.Slices(1), new PlacementOptions(),
            (v, r, _) => r == Resource.Cpu ? 0.1 : 512, (_, _) => 0.1, images: catalog);

        Assert.Equal(once, p.CountsImagesOnce);
        if (once) Assert.Null(p.WholeDiskReason);
        else Assert.Contains($"{1000L * images} host x image counters are more than {StoreTally.MaxEntries}", p.WholeDiskReason);
    }

    /// <summary>Moving VMs send their private blocks and what their destination lacks today; the objective charges it
    /// at --disk-weight, so a VM goes where its image already is when hosts are otherwise alike.</summary>
    [Fact]
    public void The_objective_charges_the_disk_data_a_move_sends_after_deduplication()
    {
        // a runs on h0, the costly host, which is drained; h1 holds centos, h2 holds web and ubuntu: a sends its 1 GiB of
        // private blocks to h2, or 27 GiB to h1 (web's own 6, ubuntu's 20 and its private 1).
        Host[] hosts = [Local("h0", 100) with { IdleWatts = 400, MaxWatts = 600 }, Local("h1", 100), Local("h2", 100)];
        Vm[] vms = [Vm("a", 25, "web", "h0"), Vm("b", 12, "centos", "h1"), Vm("c", 25, "web", "h2")];
        var data = TestInstances.Make(hosts, vms, (_, _) => (0.5, 512)) with { Images = Images };
        var profiles = ProfileBuilder.Build(data, WindowScheme.Slices(1), 100);
        var p = PlacementProblem.From(data, profiles, new PlacementOptions(MigrationWeightWhPerGiB: 0, DiskWeightWhPerGiB: 10));
        Assert.Equal(1024, p.DiskSendMib(0, 2));
        Assert.Equal(27 * 1024, p.DiskSendMib(0, 1));
        Assert.Equal(0, p.DiskSendMib(0, 0));
        Assert.Equal(270.0, p.DiskCostWh(0, 1), 6);

        var plan = Planner.Plan(data, profiles, new PlanRequest(p.Options, new SolverOptions(2, 1, 1, Deterministic: true)));
        Assert.Equal(2, plan.Target[0]);
        // Beyond energy, a on h1 instead costs the 26 GiB its image would send there at 10 Wh per GiB.
        var other = new Placement([1, .. plan.Target.HostOf.Skip(1)]);
        Assert.Equal(260.0, Objective.Wh(p, other) - Objective.Wh(p, plan.Target) - (Energy.WhPerDay(p, other) - Energy.WhPerDay(p, plan.Target)), 6);
    }

    /// <summary>The tally that heuristics, the stager and the replay keep move by move equals the footprint counted
    /// from scratch, whatever VMs come and go.</summary>
    [Fact]
    public void A_store_tally_kept_move_by_move_equals_the_footprint_counted_from_scratch()
    {
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var d = WithDisks(seed);
            var layout = new DiskLayout(d.Hosts, d.Vms, d.Images);
            var tally = new StoreTally(layout, d.Hosts.Length);
            var on = new HashSet<int>();
            var rng = new Random(seed);
            for (var step = 0; step < 60; step++)
            {
                var v = rng.Next(d.Vms.Length);
                var before = tally.Held(0);
                if (on.Remove(v)) tally.Remove(v, 0);
                else
                {
                    var adds = tally.Adds(v, 0);
                    on.Add(v);
                    tally.Add(v, 0);
                    Assert.Equal(before + adds, tally.Held(0));
                }
                Assert.Equal(layout.FootprintMib(on), tally.Held(0));
            }
        }, iter: 100);
    }

    /// <summary>A random fleet of local-storage hosts whose VMs come from a few images (some layered), with
    /// disks sized so that storage often binds.</summary>
    private static Dataset WithDisks(int seed)
    {
        var d = RandomInstances.Make(seed);
        var rng = new Random(seed ^ 0xd15c);
        var images = rng.Next(2) == 0 ? Images : [new Image("base", 8), new Image("db", 12, "base", 7.5)];
        var vms = d.Vms.Select(v =>
        {
            var image = rng.Next(5) == 0 ? null : images[rng.Next(images.Length)];
            return v with { ImageId = image?.Id, DiskGib = (image?.SizeGib ?? 0) + rng.Next(0, 9) * 0.5 };
        }).ToImmutableArray();
        var layout = new DiskLayout(d.Hosts, vms, images);
        var whole = vms.Select((_, v) => layout.AloneMib(v) / 1024.0).ToArray();
        // Each host can take a random 1-4 of the largest disks, or is on shared storage now and then.
        var hosts = d.Hosts.Select(h => rng.Next(6) == 0 ? h
            : h with { Storage = StorageKind.Local, DiskGib = Math.Round(whole.Max() * (1 + 3 * rng.NextDouble()), 1) }).ToImmutableArray();
        // Today's placement must fit the disks too, or nothing can be said; drop VMs from overfull hosts.
        var current = vms.ToArray();
        var disks = new DiskLayout(hosts, current, images);
        for (var h = 0; h < hosts.Length; h++)
        {
            var on = Enumerable.Range(0, current.Length).Where(v => current[v].CurrentHost == hosts[h].Id).ToList();
            while (on.Count > 0 && disks.IsLocal(h) && disks.FootprintMib(on) > disks.CapacityMib(h))
            {
                current[on[^1]] = current[on[^1]] with { CurrentHost = null };
                on.RemoveAt(on.Count - 1);
            }
        }
        return d with { Hosts = hosts, Vms = [.. current], Images = images };
    }

    /// <summary>Brute force from the definition: the distinct images (with ancestors) and private blocks on each
    /// local host, in GiB, against its disk.</summary>
    private static List<string> Overfull(Dataset d, Func<int, IEnumerable<int>> vmsOn)
    {
        var found = new List<string>();
        var images = d.Images.ToDictionary(i => i.Id);
        for (var h = 0; h < d.Hosts.Length; h++)
        {
            if (d.Hosts[h].Storage != StorageKind.Local) continue;
            var held = new HashSet<string>();
            double gib = 0;
            foreach (var v in vmsOn(h))
            {
                var vm = d.Vms[v];
                var own = vm.ImageId is { } image ? images[image].SizeGib : 0;
                gib += (vm.DiskGib ?? own) - own;
                for (var id = vm.ImageId; id is not null; id = images[id].Parent)
                    if (held.Add(id)) gib += images[id].UniqueGib;
            }
            if (gib > d.Hosts[h].DiskGib!.Value + 1e-9) found.Add($"{d.Hosts[h].Id}: {gib} GiB on {d.Hosts[h].DiskGib} GiB");
        }
        return found;
    }

    [Fact]
    public void Every_plan_on_local_disks_keeps_every_store_within_its_disk_in_the_end_and_in_every_stage()
    {
        int planned = 0, bound = 0, sharing = 0;
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var d = WithDisks(seed);
            var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(4), 95);
            PlanOutcome plan;
            try { plan = Planner.Plan(d, profiles, new PlanRequest(new PlacementOptions(0.1, 10), new SolverOptions(2, 1, 1, Deterministic: true))); }
            catch (InfeasiblePlacementException e) { Assert.NotEmpty(e.Reasons); return; }
            planned++;
            var p = plan.Problem;
            Assert.Equal(p.Disks.Counts && p.Disks.Shares, p.CountsImagesOnce);   // small instances: always image-aware where disks count and share
            // A plan that relies on shared blocks: some store would overflow with its disks counted whole.
            if (Enumerable.Range(0, p.HostCount).Any(h => p.Disks.IsLocal(h)
                    && p.Disks.UndeduplicatedMib(Enumerable.Range(0, p.VmCount).Where(v => plan.Target[v] == h)) > p.Disks.CapacityMib(h))) sharing++;
            Assert.Empty(Overfull(d, h => Enumerable.Range(0, p.VmCount).Where(v => plan.Target[v] == h)));
            var at = Enumerable.Range(0, p.VmCount).Select(p.CurrentHost).ToArray();
            foreach (var stage in plan.Migrations.Stages)
            {
                var moving = stage.Migrations;
                Assert.Empty(Overfull(d, h => Enumerable.Range(0, p.VmCount).Where(v => at[v] == h).Concat(moving.Where(m => m.To == h).Select(m => m.Vm))));
                foreach (var m in moving) at[m.Vm] = m.To;
            }
            Assert.Empty(PlanValidator.CheckPlacement(p, plan.Target));
            Assert.Empty(PlanValidator.CheckMigrationPlan(p, plan.Target, plan.Migrations));
            // Storage binds when some host could not take all the VMs' disks counted whole.
            if (Enumerable.Range(0, p.HostCount).Any(h => p.Disks.IsLocal(h) && p.Disks.UndeduplicatedMib(Enumerable.Range(0, p.VmCount)) > p.Disks.CapacityMib(h))) bound++;
        }, iter: 30, threads: 1);
        Assert.True(planned >= 10 && bound >= 5, $"{planned} planned, storage could bind in {bound}");
        // Plans that put more whole disks on a store than it holds occur (9-13 of 25-27 plans in four runs), so the
        // property covers image-aware placement and staging, not only plans a whole-disk bound would give.
        Assert.True(sharing >= 1, $"{sharing} of {planned} plans rely on shared image blocks");
    }

    [Fact]
    public void The_validator_flags_a_random_placement_exactly_when_a_store_overflows()
    {
        int flagged = 0, clean = 0;
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[0, int.MaxValue]).Sample((seed, pick) =>
        {
            var d = WithDisks(seed);
            var profiles = ProfileBuilder.Build(d, WindowScheme.Slices(1), 100);
            var p = PlacementProblem.From(d, profiles, new PlacementOptions(0, 0, CpuAllocationRatio: 0, RamAllocationRatio: 0));
            var rng = new Random(pick);
            var target = new Placement([.. Enumerable.Range(0, p.VmCount).Select(_ => rng.Next(p.HostCount))]);

            var storage = PlanValidator.CheckPlacement(p, target).Where(v => v.Rule == "storage").ToList();
            var expected = Overfull(d, h => Enumerable.Range(0, p.VmCount).Where(v => target[v] == h));
            Assert.Equal(expected.Count, storage.Count);
            if (storage.Count > 0) flagged++; else clean++;
        }, iter: 300);
        // Both outcomes must occur, or the property proved nothing. About 7 % of the random placements overflow a
        // store (18 of 300 in one landing run, which a threshold of 20 failed): none in 300 has odds near 1e-9.
        Assert.True(flagged > 0 && clean > 0, $"{flagged} flagged, {clean} clean");
    }
}
