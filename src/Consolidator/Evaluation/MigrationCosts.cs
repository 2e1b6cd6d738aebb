using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Simulation;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>What one live migration costs when it runs alone on the link between its two hosts, from the
/// live-migration simulator's models (method choice, pre-copy rounds, downtime, data, Liu et al.'s energy):
/// used for the policies whose migrations are not staged plans (LR-MMT's, the peak-sized FFD's). A staged
/// plan goes through the whole simulator instead, NICs shared by concurrent migrations.</summary>
internal sealed class MigrationCosts(ImmutableArray<Host> hosts, ImmutableArray<Vm> vms, ImmutableArray<VmSeries> usage, SimulationOptions options)
{
    private readonly Dictionary<(int Vm, double Wire), MethodDecision> _cache = [];

    /// <param name="vm">Index into the dataset's VMs.</param>
    public TimedMigration Alone(int vm, int judged, int from, int to, double start)
    {
        var wire = Math.Min(Goodput(from), Goodput(to));
        if (!_cache.TryGetValue((vm, wire), out var decision))
        {
            var v = vms[vm];
            var rate = v.DirtyRateMibPerSecond ?? DirtyProfile.DefaultRateMibPerSecond(ProfileBuilder.Classify(usage[vm]));
            decision = MethodChoice.Choose(new VmMigrationInputs(v.MemoryMib, DirtyProfile.FromRate(rate), options.DeviceStateMib), wire, options);
            _cache[(vm, wire)] = decision;
        }
        var o = decision.Predicted;
        return new TimedMigration(judged, start, o.TotalSeconds, o.DowntimeSeconds, MigrationEnergy.DataModelJoules(o.WireMib));
    }

    private double Goodput(int h) => options.Transport.GoodputMibPerSecond(hosts[h].NicGbps ?? options.DefaultNicGbps);
}
