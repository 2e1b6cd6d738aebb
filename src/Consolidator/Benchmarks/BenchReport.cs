using System.Collections.Immutable;

namespace Consolidator.Benchmarks;

/// <summary>Everything one <c>bench</c> run produced: where it ran, what it was asked, one row per instance,
/// the vector packing summary and what was skipped.</summary>
public sealed record BenchReport(
    BenchMachine Machine,
    BenchSettings Settings,
    ImmutableArray<BenchRow> Rows,
    ImmutableArray<string> Skipped)
{
    public const string Schema = "consolidator.bench/1";

    public ImmutableArray<VectorPackingClassSummary> VectorPacking => VectorPackingSummary.Of(Rows);

    /// <summary>False when an instance failed, or a plan used fewer hosts than a known optimum or bound (a bug).</summary>
    public bool Clean => Rows.All(r => r.Error is null && !r.BelowBound);
}
