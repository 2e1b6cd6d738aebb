using Consolidator.Profiles;
using System.Text;
using System.Text.Json;
using Consolidator.Inventory;
using Consolidator.Planning;

namespace Consolidator.Reporting;

/// <summary>Writes plan.json (schema "consolidator.plan/1", documented in the README). Holds nothing that
/// varies between identical runs (no wall-clock times, no absolute paths), so one worker gives identical bytes.</summary>
public static class PlanJsonWriter
{
    public const string Schema = "consolidator.plan/1";

    public static string ToJson(PlanOutcome plan, PlanRequest request)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            WriteOptions(json, plan, request);
            WriteSummary(json, plan);
            WritePlacement(json, plan);
            WriteStages(json, plan);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteOptions(Utf8JsonWriter json, PlanOutcome plan, PlanRequest request)
    {
        json.WriteStartObject("options");
        json.WriteString("windows", plan.Profiles.Windows.Name);
        if (plan.Profiles.Note is { } choice) json.WriteString("windows_choice", choice);
        else json.WriteNull("windows_choice");
        Number(json, "percentile", plan.Profiles.Percentile);
        if (plan.Profiles.Options.HalfLifeHours is { } halfLife) Number(json, "half_life_hours", halfLife);
        else json.WriteNull("half_life_hours");
        Number(json, "margin", plan.Profiles.Options.Margin);
        // Written only when not the default, so that plans sized by the percentile read as they always did.
        if (plan.Profiles.Options.Sizing == DemandSizing.Multiplexed)
        {
            json.WriteString("sizing", plan.Profiles.Options.Sizing.Name());
            Number(json, "multiplex_vms", plan.Profiles.Options.MultiplexVms);
        }
        Number(json, "headroom", request.Placement.Headroom);
        Number(json, "migration_weight_wh_per_gib", request.Placement.MigrationWeightWhPerGiB);
        json.WriteBoolean("memory_allocation_floor", request.Placement.MemoryAllocationFloor);
        Number(json, "cpu_allocation_ratio", request.Placement.CpuAllocationRatio);
        Number(json, "ram_allocation_ratio", request.Placement.RamAllocationRatio);
        Number(json, "time_limit_s", request.Solver.TimeLimitSeconds);
        json.WriteNumber("seed", request.Solver.Seed);
        json.WriteNumber("workers", request.Solver.EffectiveWorkers);
        json.WriteBoolean("deterministic", request.Solver.Deterministic);
        json.WriteStartArray("window_list");
        foreach (var w in plan.Profiles.Windows.Windows)
        {
            json.WriteStartObject();
            json.WriteNumber("index", w.Index);
            json.WriteString("label", w.Label);
            Number(json, "hours", w.HoursPerDay);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (plan.Simulation is { } result) SimulationJsonWriter.WriteOptions(json, "simulation", result.Options);
        else json.WriteNull("simulation");
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, PlanOutcome plan)
    {
        var s = plan.Summary;
        json.WriteStartObject("summary");
        json.WriteNumber("vms", s.Vms);
        json.WriteNumber("hosts", s.Hosts);
        json.WriteNumber("active_hosts_before", s.ActiveHostsBefore);
        json.WriteNumber("active_hosts_after", s.ActiveHostsAfter);
        Number(json, "energy_kwh_per_day_before", s.EnergyKWhPerDayBefore);
        Number(json, "energy_kwh_per_day_after", s.EnergyKWhPerDayAfter);
        json.WriteNumber("migrations", s.Migrations);
        json.WriteNumber("relay_migrations", s.RelayMigrations);
        json.WriteNumber("first_placements", s.FirstPlacements);
        json.WriteNumber("stages", s.Stages);
        Number(json, "memory_moved_gib", s.MemoryMovedGiB);
        json.WriteNumber("host_lower_bound", s.HostLowerBound);
        Number(json, "energy_lower_bound_kwh_per_day", s.EnergyLowerBoundKWhPerDay);
        json.WriteNumber("kept_in_place", s.KeptInPlace);
        json.WriteNumber("keepable_upper_bound", s.KeepableUpperBound);
        Number(json, "migration_cost_wh", s.MigrationCostWh);
        json.WriteNumber("moves_lower_bound", s.MovesLowerBound);
        Number(json, "migration_cost_lower_bound_wh", s.MigrationCostLowerBoundWh);
        Number(json, "energy_gap", s.EnergyGap);
        json.WriteStartObject("solver");
        json.WriteString("engine", "or-tools cp-sat");
        json.WriteString("status", Names.Of(s.SolverStatus));
        Number(json, "objective_wh", s.ObjectiveWh);
        Number(json, "bound_wh", s.BoundWh);
        Number(json, "gap", s.Gap);
        json.WriteEndObject();
        json.WriteStartObject("baselines");
        NumberOrNull(json, "peak_sized_ffd_hosts", s.PeakSizedFfdHosts);
        NumberOrNull(json, "peak_sized_ffd_energy_kwh_per_day", s.PeakSizedFfdEnergyKWhPerDay);
        NumberOrNull(json, "temporal_ffd_hosts", s.TemporalFfdHosts);
        NumberOrNull(json, "temporal_bfd_hosts", s.TemporalBfdHosts);
        json.WriteEndObject();
        json.WriteStartObject("vm_classes");
        foreach (var (c, n) in s.VmClasses) json.WriteNumber(Names.Of(c), n);
        json.WriteEndObject();
        json.WriteStartArray("notes");
        foreach (var n in s.Notes) json.WriteStringValue(n);
        json.WriteEndArray();
        json.WritePropertyName("simulation");
        if (s.Simulation is { } simulation) SimulationJsonWriter.WriteSummary(json, simulation, plan.Problem);
        else json.WriteNullValue();
        json.WriteEndObject();
    }

    private static void WritePlacement(Utf8JsonWriter json, PlanOutcome plan)
    {
        var p = plan.Problem;
        json.WriteStartArray("placement");
        for (var v = 0; v < p.VmCount; v++)
        {
            json.WriteStartObject();
            json.WriteString("vm_id", p.Vms[v].Id);
            json.WriteString("host_id", p.Hosts[plan.Target[v]].Id);
            if (p.Vms[v].CurrentHost is { } cur) json.WriteString("current_host", cur); else json.WriteNull("current_host");
            json.WriteString("class", Names.Of(plan.Profiles.Vms[v].Class));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteStages(Utf8JsonWriter json, PlanOutcome plan)
    {
        var p = plan.Problem;
        json.WriteStartArray("stages");
        foreach (var stage in plan.Migrations.Stages)
        {
            json.WriteStartObject();
            json.WriteNumber("stage", stage.Number);
            json.WriteStartArray("migrations");
            foreach (var m in stage.Migrations)
            {
                json.WriteStartObject();
                json.WriteString("vm_id", p.Vms[m.Vm].Id);
                if (m.From >= 0) json.WriteString("from_host", p.Hosts[m.From].Id); else json.WriteNull("from_host");
                json.WriteString("to_host", p.Hosts[m.To].Id);
                json.WriteString("kind", Names.Of(m.Kind));
                Number(json, "memory_mib", p.Vms[m.Vm].MemoryMib);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("blocked");
        foreach (var b in plan.Migrations.Blocked)
        {
            json.WriteStartObject();
            json.WriteString("vm_id", p.Vms[b.Vm].Id);
            if (b.From >= 0) json.WriteString("from_host", p.Hosts[b.From].Id); else json.WriteNull("from_host");
            json.WriteString("to_host", p.Hosts[b.To].Id);
            json.WriteString("reason", b.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    // Rounded so that the text never shows float noise; 3 decimals is below any figure's precision.
    private static void Number(Utf8JsonWriter json, string name, double value) => json.WriteNumber(name, Math.Round(value, 3));

    private static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) Number(json, name, v); else json.WriteNull(name);
    }
}
