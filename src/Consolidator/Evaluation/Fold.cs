using System.Collections.Immutable;
using Consolidator.Allocation;
using Consolidator.Inventory;
using Consolidator.Profiles;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>The VMs one fold judges (samples in both its training and its test period), by their index in
/// the dataset, with their test samples as step functions and their QoS class as the training period shows
/// it. Every policy replays exactly these VMs.</summary>
internal sealed class Fold
{
    public Fold(Dataset data, TrainTestSplit split, Period train, Period test, bool memoryFloor)
    {
        Train = train;
        Test = test;
        Split = split;
        var index = data.Vms.Select((vm, i) => (vm.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        Vms = [.. split.TrainData.Vms.Select(vm => index[vm.Id])];
        // A VM cannot use more than its vCPUs: the trace's CPU above 100 % (a measurement artefact) is replayed
        // at the VM's vCPUs for every policy.
        Timelines = [.. split.TrainData.Vms.Select((vm, k) => Timeline.Of(split.FullSeries[k], test, memoryFloor ? vm.MemoryMib : 0, vm.Vcpus))];
        Qos = [.. split.TrainData.Vms.Select((vm, k) => Allocation.Qos.Of(vm, ProfileBuilder.Classify(split.TrainData.Usage[k])))];
        var end = Timelines.Max(t => t.Count > 0 ? t.End[^1] : test.From);
        Span = new Period(test.From, Math.Max(test.From + 1, Math.Min(test.To, end)));
        Judged = Vms.Select((v, k) => (v, k)).ToDictionary(x => x.v, x => x.k);
    }

    public Period Train { get; }
    public Period Test { get; }

    /// <summary>The test period as far as samples reach.</summary>
    public Period Span { get; }

    public TrainTestSplit Split { get; }

    /// <summary>Dataset index of each judged VM.</summary>
    public ImmutableArray<int> Vms { get; }

    /// <summary>Judged index of a dataset VM.</summary>
    public Dictionary<int, int> Judged { get; }

    public ImmutableArray<Timeline> Timelines { get; }
    public ImmutableArray<QosClass> Qos { get; }
}
