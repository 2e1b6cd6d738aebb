using System.Collections.Immutable;

namespace Consolidator.Export;

/// <summary>A live migration as an operator's tool sees it: names, not indices, and what the plan's replay
/// assumed (pre-copy and the hypervisor's own settings when the plan was not simulated).</summary>
/// <param name="DowntimeLimitMs">QEMU's downtime-limit the replay ran with (simulation.json
/// options.qemu_downtime_limit_ms); null: not simulated.</param>
/// <param name="TimeoutSeconds">The libvirt timeout with the suspend action the replay planned (timeout_s);
/// null: none.</param>
public sealed record ExportMigration(string VmId, string? FromHost, string ToHost, string Kind, string Method,
    double? DowntimeLimitMs = null, double? TimeoutSeconds = null)
{
    /// <summary>Post-copy and hybrid both need the hypervisor's post-copy switch.</summary>
    public bool NeedsPostCopy => Method is "postcopy" or "hybrid";

    /// <summary>A first placement starts a VM that ran nowhere: it is not a live migration.</summary>
    public bool IsPlacement => Kind == "place";
}

public sealed record ExportStage(int Number, ImmutableArray<ExportMigration> Migrations);

/// <summary>The stages of a plan.json, read without the dataset: export needs only ids and order.</summary>
public sealed record ExportPlan(ImmutableArray<ExportStage> Stages)
{
    public int MigrationCount => Stages.Sum(s => s.Migrations.Count(m => !m.IsPlacement));
}
