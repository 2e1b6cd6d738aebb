using System.Text;
using System.Text.Json;
using Consolidator.Packing;
using Consolidator.Simulation;

namespace Consolidator.Reporting;

/// <summary>Writes simulation.json (schema "consolidator.simulation/1", documented in the README) and the
/// "simulation" object of plan.json's summary. Deterministic: no wall-clock times, no paths.</summary>
public static class SimulationJsonWriter
{
    public const string Schema = "consolidator.simulation/1";

    public static string ToJson(SimulationResult result, PlacementProblem p)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            WriteOptions(json, "options", result.Options);
            json.WritePropertyName("summary");
            WriteSummary(json, result.Summary, p);
            WriteStages(json, result);
            WriteMigrations(json, result, p);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void WriteOptions(Utf8JsonWriter json, string name, SimulationOptions o)
    {
        json.WriteStartObject(name);
        json.WriteString("method", MigrationMethods.Name(o.Method));
        Number(json, "max_downtime_ms", o.MaxDowntimeSeconds * 1000);
        json.WriteString("hypervisor", o.Rules.Name);
        json.WriteString("link", o.Transport.Name);
        Number(json, "default_nic_gbps", o.DefaultNicGbps);
        json.WriteNumber("max_concurrent_per_host", o.MaxConcurrentPerHost);
        json.WriteNumber("hybrid_rounds", o.HybridRounds);
        Number(json, "compression_ratio", o.Compress.Ratio);
        NumberOrNull(json, "compression_mib_s", o.Compress.IsOn ? o.Compress.ThroughputMibPerSecond : null);
        Number(json, "fail_link_probability", o.FaultPlan.LinkFailureProbability);
        NumberOrNull(json, "fail_at_s", o.FaultPlan.FailAtSeconds);
        NumberOrNull(json, "checkpoint_interval_s", o.FaultPlan.CheckpointIntervalSeconds);
        json.WriteNumber("fault_seed", o.FaultPlan.Seed);
        NumberOrNull(json, "postcopy_recovery_s", o.FaultPlan.RecoverySeconds);
        Number(json, "qemu_downtime_limit_ms", o.QemuDowntimeLimit * 1000);
        NumberOrNull(json, "max_bandwidth_mib_s", o.MaxBandwidthMibPerSecond);
        json.WriteNumber("streams", o.Streams);
        json.WriteString("slo_judges", SloName(o.Slo));
        json.WriteEndObject();
    }

    /// <summary>The plan-level figures, as an object value (plan.json embeds it in its summary).</summary>
    public static void WriteSummary(Utf8JsonWriter json, SimulationSummary s, PlacementProblem p)
    {
        json.WriteStartObject();
        json.WriteNumber("migrations", s.Migrations);
        Number(json, "total_time_s", s.TotalSeconds);
        Number(json, "data_moved_gib", s.DataMovedGiB);
        Number(json, "worst_downtime_ms", s.WorstDowntimeSeconds * 1000);
        if (s.WorstDowntimeVm is { } v) json.WriteString("worst_downtime_vm", p.Vms[v].Id); else json.WriteNull("worst_downtime_vm");
        Number(json, "mean_downtime_ms", s.MeanDowntimeSeconds * 1000);
        Number(json, "max_downtime_ms", s.MaxDowntimeSeconds * 1000);
        json.WriteNumber("slo_violations", s.SloViolations);
        json.WriteString("slo_judges", SloName(s.Slo));
        Number(json, "worst_slo_downtime_ms", s.WorstSloDowntimeSeconds * 1000);
        Number(json, "fault_stall_s", s.FaultStallSeconds);
        json.WriteNumber("non_converging", s.NonConverging);
        json.WriteStartObject("methods");
        json.WriteNumber("precopy", s.PreCopy);
        json.WriteNumber("postcopy", s.PostCopy);
        json.WriteNumber("hybrid", s.Hybrid);
        json.WriteEndObject();
        Number(json, "degraded_s", s.DegradedSeconds);
        Number(json, "migration_energy_wh", s.MigrationEnergyWh);
        Number(json, "migration_energy_power_model_wh", s.MigrationEnergyPowerModelWh);
        Number(json, "energy_kwh_per_day_before", s.EnergyKWhPerDayBefore);
        Number(json, "energy_kwh_per_day_after", s.EnergyKWhPerDayAfter);
        json.WriteStartObject("failures");
        json.WriteNumber("completed", s.Completed);
        json.WriteNumber("aborted", s.Aborted);
        json.WriteNumber("restored", s.Restored);
        json.WriteNumber("lost", s.Lost);
        json.WriteNumber("skipped", s.Skipped);
        json.WriteNumber("recovered", s.Recovered);
        Number(json, "lost_state_s", s.LostStateSeconds);
        json.WriteNumber("vms_off_target", s.VmsOffTarget);
        json.WriteEndObject();
        json.WriteStartObject("over_capacity");
        Number(json, "host_hours_before", s.OverCapacity.HostHoursBefore);
        Number(json, "host_hours_after", s.OverCapacity.HostHoursAfter);
        json.WriteNumber("hosts_before", s.OverCapacity.HostsBefore);
        json.WriteNumber("hosts_after", s.OverCapacity.HostsAfter);
        Number(json, "trace_hours", s.OverCapacity.TraceHours);
        json.WriteEndObject();
        Number(json, "peak_nic_utilisation", s.PeakNicUtilisation);
        json.WriteEndObject();
    }

    /// <summary>What the SLO judges, as simulation.json spells it.</summary>
    public static string SloName(SloDowntime slo) => slo == SloDowntime.Stop ? "stop" : "stop+stalls";

    private static void WriteStages(Utf8JsonWriter json, SimulationResult r)
    {
        json.WriteStartArray("stages");
        foreach (var s in r.Stages)
        {
            json.WriteStartObject();
            json.WriteNumber("stage", s.Number);
            Number(json, "start_s", s.StartSeconds);
            Number(json, "end_s", s.EndSeconds);
            Number(json, "makespan_s", s.MakespanSeconds);
            json.WriteNumber("migrations", s.Migrations);
            json.WriteNumber("completed", s.Completed);
            json.WriteNumber("failed", s.Failed);
            json.WriteNumber("skipped", s.Skipped);
            json.WriteNumber("placements", s.Placements);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteMigrations(Utf8JsonWriter json, SimulationResult r, PlacementProblem p)
    {
        json.WriteStartArray("migrations");
        foreach (var m in r.Migrations)
        {
            json.WriteStartObject();
            json.WriteString("vm_id", p.Vms[m.Vm].Id);
            json.WriteString("from_host", p.Hosts[m.From].Id);
            json.WriteString("to_host", p.Hosts[m.To].Id);
            json.WriteNumber("stage", m.Stage);
            json.WriteString("kind", Names.Of(m.Kind));
            json.WriteString("method", MigrationMethods.Name(m.Method));
            json.WriteString("method_reason", m.MethodReason);
            json.WriteString("status", Names.Of(m.Status));
            Number(json, "start_s", m.StartSeconds);
            Number(json, "end_s", m.EndSeconds);
            Number(json, "total_s", m.TotalSeconds);
            Number(json, "downtime_ms", m.DowntimeSeconds * 1000);
            json.WriteBoolean("slo_violation", SloViolation(m, r.Options));
            Number(json, "data_mib", m.WireMib);
            json.WriteNumber("rounds", m.Rounds);
            json.WriteBoolean("converged", m.Converged);
            Number(json, "degraded_s", m.DegradedSeconds);
            Number(json, "fault_stall_s", m.FaultStallSeconds);
            Number(json, "lost_state_s", m.LostStateSeconds);
            Number(json, "energy_j", m.EnergyJoules);
            Number(json, "power_model_energy_j", m.PowerModelJoules);
            Number(json, "compression_cpu_s", m.CompressionCpuSeconds);
            NumberOrNull(json, "timeout_s", m.TimeoutSeconds);
            NumberOrNull(json, "qemu_downtime_limit_ms", m.QemuDowntimeLimitSeconds * 1000);
            if (m.Note is { } note) json.WriteString("note", note); else json.WriteNull("note");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static bool SloViolation(VmMigrationResult m, SimulationOptions o) =>
        m.SloDowntimeSeconds(o.Slo) > o.MaxDowntimeSeconds + MethodChoice.DowntimeToleranceSeconds;

    // Rounded as in plan.json: three decimals hide float noise and are below every figure's precision.
    private static void Number(Utf8JsonWriter json, string name, double value) => json.WriteNumber(name, Math.Round(value, 3));

    private static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) Number(json, name, v); else json.WriteNull(name);
    }
}
