using System.Collections.Immutable;
using Consolidator.Rules;
using Consolidator.Traces;

namespace Consolidator.Evaluation;

/// <summary>The VMs an evaluation can judge (samples in both periods) and the training data it may plan on.
/// A VM seen only in training has nothing to be judged on; one seen only in the test period was not there
/// to be planned for.</summary>
public sealed record TrainTestSplit(Dataset TrainData, ImmutableArray<VmSeries> FullSeries, int TrainOnly, int TestOnly)
{
    public static TrainTestSplit Of(Dataset data, Period train, Period test)
    {
        var vms = ImmutableArray.CreateBuilder<Inventory.Vm>();
        var trainSeries = ImmutableArray.CreateBuilder<VmSeries>();
        var full = ImmutableArray.CreateBuilder<VmSeries>();
        int trainOnly = 0, testOnly = 0;
        for (var v = 0; v < data.Vms.Length; v++)
        {
            var s = data.Usage[v];
            var inTrain = Within(s, train);
            var inTest = s.UnixSeconds.Any(test.Contains);
            if (inTrain.Count > 0 && inTest)
            {
                vms.Add(data.Vms[v]);
                trainSeries.Add(inTrain);
                full.Add(s);
            }
            else if (inTrain.Count > 0) trainOnly++;
            else if (inTest) testOnly++;
        }
        if (vms.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(train), train.ToString(),
                $"no VM has samples in both the training period ({train}) and the test period ({test}); the data covers {Cover(data)}");
        var kept = vms.Select(vm => vm.Id).ToHashSet(StringComparer.Ordinal);
        var trainData = data with { Vms = vms.ToImmutable(), Usage = trainSeries.ToImmutable(), Rules = Restrict(data.Rules, kept) };
        return new TrainTestSplit(trainData, full.ToImmutable(), trainOnly, testOnly);
    }

    /// <summary>The dataset's rules over the VMs kept: a rule loses the VMs left out, and goes when none remain.</summary>
    internal static ImmutableArray<Rule> Restrict(ImmutableArray<Rule> rules, HashSet<string> kept)
    {
        ImmutableArray<string> Keep(ImmutableArray<string> ids) => [.. ids.Where(kept.Contains)];
        var result = ImmutableArray.CreateBuilder<Rule>();
        foreach (var rule in rules)
        {
            Rule? restricted = rule switch
            {
                Spread r => Keep(r.Vms) is { IsEmpty: false } v ? r with { Vms = v } : null,
                Gather r => Keep(r.Vms) is { IsEmpty: false } v ? r with { Vms = v } : null,
                Pin r => Keep(r.Vms) is { IsEmpty: false } v ? r with { Vms = v } : null,
                Ban r => Keep(r.Vms) is { IsEmpty: false } v ? r with { Vms = v } : null,
                _ => rule,
            };
            if (restricted is not null) result.Add(restricted);
        }
        return result.ToImmutable();
    }

    /// <summary>First and last sample time of the whole dataset.</summary>
    public static (long First, long Last) Span(Dataset data)
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (var s in data.Usage)
            if (s.Count > 0)
            {
                first = Math.Min(first, s.UnixSeconds[0]);
                last = Math.Max(last, s.UnixSeconds[^1]);
            }
        return (first, last);
    }

    private static string Cover(Dataset data)
    {
        var (first, last) = Span(data);
        return first <= last ? $"{Period.Stamp(first)} to {Period.Stamp(last)}" : "no samples";
    }

    private static VmSeries Within(VmSeries s, Period p)
    {
        var keep = Enumerable.Range(0, s.Count).Where(k => p.Contains(s.UnixSeconds[k])).ToArray();
        return new VmSeries([.. keep.Select(k => s.UnixSeconds[k])], [.. keep.Select(k => s.CpuCores[k])], [.. keep.Select(k => s.MemoryMib[k])]);
    }
}
