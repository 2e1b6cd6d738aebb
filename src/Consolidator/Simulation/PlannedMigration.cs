using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Randomness;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Simulation;

/// <summary>A live migration of the plan, ready to replay: its method and, when fault injection picked it,
/// the share of its copy after which its link fails.</summary>
/// <param name="PlannedWireMibPerSecond">The wire rate the method was chosen at; it also sets the libvirt timeout.</param>
internal sealed record PlannedMigration(int Index, int Stage, Migration Move, MethodDecision Decision, double? FailShare, double PlannedWireMibPerSecond);

internal static class ReplayPlan
{
    /// <summary>The plan's live migrations in stage order (first placements are not migrations), each with
    /// its method chosen at the bandwidth it is expected to get: its NIC shares when as many migrations as
    /// the stage and the per-host limit allow run beside it on each end.</summary>
    public static ImmutableArray<PlannedMigration> Build(
        PlacementProblem p, MigrationPlan plan, IReadOnlyList<VmMigrationInputs> vms, double[] nicMibPerSecond, SimulationOptions options)
    {
        var faults = FaultInjection.Draw(options.FaultPlan);
        var planned = ImmutableArray.CreateBuilder<PlannedMigration>();
        foreach (var stage in plan.Stages)
        {
            var moves = stage.Migrations.Where(m => m.Kind != MigrationKind.Place).ToArray();
            var outOf = moves.GroupBy(m => m.From).ToDictionary(g => g.Key, g => g.Count());
            var into = moves.GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Count());
            foreach (var m in moves)
            {
                var wire = Math.Min(options.StreamsCapMibPerSecond, Math.Min(
                    nicMibPerSecond[m.From] / Concurrent(outOf[m.From], options),
                    nicMibPerSecond[m.To] / Concurrent(into[m.To], options)));
                var decision = MethodChoice.Choose(vms[m.Vm], wire, options);
                if (!(decision.Predicted.TotalSeconds <= SimulationOptions.LongestMigrationSeconds))
                    throw TooLong(p, m, decision.Predicted.TotalSeconds, wire, options);
                planned.Add(new PlannedMigration(planned.Count, stage.Number, m, decision, faults.FailShare(), wire));
            }
        }
        return planned.ToImmutable();
    }

    /// <summary>A migration the replay cannot finish within a year, blamed on what slows it: `--max-bandwidth 1` with
    /// `--precopy-timeout 31536000` (a year) was "would take 1 years at 554 MiB/s of its NICs; a NIC rate this low is an
    /// input error (check nic_gbps and --nic-gbps)", naming a NIC rate that was not the cause.</summary>
    private static ArgumentOutOfRangeException TooLong(PlacementProblem p, Migration m, double seconds, double wire, SimulationOptions options)
    {
        var years = seconds / SimulationOptions.LongestMigrationSeconds;
        var what = string.Format(CultureInfo.InvariantCulture, "the live migration of {0} from {1} to {2} would take more than a year{3}",
            Quoted.Value(p.Vms[m.Vm].Id), Quoted.Value(p.Hosts[m.From].Id), Quoted.Value(p.Hosts[m.To].Id),
            years >= 2 ? string.Format(CultureInfo.InvariantCulture, " ({0:G3} years)", years) : "");
        if (options.MaxBandwidthMibPerSecond is { } cap && cap < wire)
            return new ArgumentOutOfRangeException("--max-bandwidth", string.Format(CultureInfo.InvariantCulture,
                "{0} with its live phase capped at {1:G3} MiB/s by --max-bandwidth (its NICs give {2:G3} MiB/s): raise --max-bandwidth{3}",
                what, cap, wire, options.PreCopyTimeoutSeconds is null ? "" : " or shorten --precopy-timeout"));
        return new ArgumentOutOfRangeException("nic_gbps", string.Format(CultureInfo.InvariantCulture,
            "{0} at {1:G3} MiB/s of its NICs; a NIC rate this low is an input error (check nic_gbps and --nic-gbps)", what, wire));
    }

    private static int Concurrent(int inStage, SimulationOptions o) =>
        o.MaxConcurrentPerHost > 0 ? Math.Min(inStage, o.MaxConcurrentPerHost) : inStage;
}

/// <summary>Seeded link failures. Each migration draws twice from SplitMix64 in plan order, whether or not
/// it fails, so one migration's draw never shifts another's: whether its link fails (probability
/// --fail-link), and when, as a share in [0, 1) of its copy (the replay turns it into a moment: see
/// Replay.EstimateFailure).</summary>
internal sealed class FaultInjection
{
    private readonly SplitMix64 _random;
    private readonly double _probability;

    private FaultInjection(FaultOptions options)
    {
        _random = SplitMix64.FromSeed(options.Seed);
        _probability = options.LinkFailureProbability;
    }

    public static FaultInjection Draw(FaultOptions options) => new(options);

    /// <summary>The share of the next migration's copy after which its link fails, or null.</summary>
    public double? FailShare()
    {
        var fails = _random.NextDouble() < _probability;
        var when = _random.NextDouble();
        return fails ? when : null;
    }
}
