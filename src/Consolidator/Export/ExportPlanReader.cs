using System.Collections.Immutable;
using Consolidator.Reporting;

namespace Consolidator.Export;

/// <summary>Reads the stages of a plan.json, and the method of each migration from the simulation.json the
/// plan's replay wrote, when there is one. Errors name the file, line, column and value. Every id is checked
/// for the script it goes into (<see cref="ShellScript.IdProblem"/>; for libvirt, host ids also as URI hosts).</summary>
public static class ExportPlanReader
{
    public static ExportPlan Parse(byte[] planUtf8, string planPath, byte[]? simulationUtf8 = null, string? simulationPath = null,
        ExportTarget target = ExportTarget.OpenStack)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var plan = PlanJsonReader.Read(doc);
        var methods = simulationUtf8 is null ? [] : ReadSimulation(simulationUtf8, simulationPath ?? "simulation.json");
        var ids = new Ids(doc, target);
        var stages = doc.Need(plan.Stages, "$.stages").Select((stage, i) =>
        {
            var number = i + 1;
            var moves = doc.Need(stage.Migrations, $"$.stages[{i}].migrations").Select((m, j) =>
            {
                var at = $"$.stages[{i}].migrations[{j}]";
                var kind = PlanJsonReader.Kind(doc, m.Kind, at);
                PlanJsonReader.MoveFrom(doc, kind == "place", m.FromHost, at);
                var from = m.FromHost is null ? null : ids.Host(m.FromHost, at + ".from_host");
                var vm = ids.Id(m.VmId, at + ".vm_id");
                var (method, timeout, limit) = methods.GetValueOrDefault((number, vm), ("precopy", null, null));
                return new ExportMigration(vm, from, ids.Host(m.ToHost, at + ".to_host"), kind, method, limit, timeout);
            }).ToImmutableArray();
            return new ExportStage(number, moves);
        }).ToImmutableArray();
        return new ExportPlan(stages);
    }

    /// <summary>What the replay assumed, per migration (method, libvirt timeout, QEMU's downtime-limit, which
    /// falls back to the options' one); a simulation.json without the optional fields gives nulls.</summary>
    private static Dictionary<(int Stage, string Vm), (string Method, double? TimeoutSeconds, double? DowntimeLimitMs)> ReadSimulation(byte[] utf8, string path)
    {
        var doc = new JsonInput(utf8, path);
        var simulation = doc.Read(ReportJsonContext.Default.SimulationJson, "simulation.json");
        var ids = new Ids(doc, ExportTarget.OpenStack);
        var defaultLimitMs = LimitMs(doc, simulation.Options?.QemuDowntimeLimitMs, "$.options.qemu_downtime_limit_ms");
        var migrations = new Dictionary<(int, string), (string, double?, double?)>();
        var list = doc.Need(simulation.Migrations, "$.migrations");
        for (var i = 0; i < list.Count; i++)
        {
            var (m, at) = (list[i], $"$.migrations[{i}]");
            var stage = doc.Need(m.Stage, at + ".stage");
            var method = doc.Need(m.Method, at + ".method");
            if (method is not ("precopy" or "postcopy" or "hybrid")) throw doc.Error(at + ".method", "must be \"precopy\", \"postcopy\" or \"hybrid\"");
            if (m.TimeoutS is { } t && !(t > 0 && t <= 31_536_000)) throw doc.Error(at + ".timeout_s", "must be a number of seconds above 0 and at most a year");
            migrations[(stage, ids.Id(m.VmId, at + ".vm_id"))] = (method, m.TimeoutS, LimitMs(doc, m.QemuDowntimeLimitMs, at + ".qemu_downtime_limit_ms") ?? defaultLimitMs);
        }
        return migrations;
    }

    /// <summary>An optional qemu_downtime_limit_ms (the options', or a migration's own).</summary>
    private static double? LimitMs(JsonInput doc, double? limit, string at) =>
        limit is { } ms && !(ms >= 1 && ms <= 2_000_000) ? throw doc.Error(at, "must be between 1 and 2000000 ms") : limit;

    /// <summary>The window scheme a plan was made with (options.windows), for the host-level schedule.</summary>
    public static Profiles.WindowScheme Windows(byte[] planUtf8, string planPath)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var plan = doc.Read(ReportJsonContext.Default.PlanJson, "plan.json");
        try
        {
            return Profiles.WindowScheme.Parse(doc.Need(doc.Need(plan.Options, "$.options").Windows, "$.options.windows"));
        }
        catch (FormatException e)
        {
            throw doc.Error("$.options.windows", e.Message);
        }
    }

    private sealed class Ids(JsonInput doc, ExportTarget target)
    {
        /// <summary>An id that goes into the script as one quoted argument; see <see cref="ShellScript.IdProblem"/>.</summary>
        public string Id(string? id, string at)
        {
            var text = doc.Need(id, at);
            if (ShellScript.IdProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }

        /// <summary>A host id; for libvirt it also becomes the host of a qemu+ssh:// URI.</summary>
        public string Host(string? id, string at)
        {
            var text = Id(id, at);
            if (target == ExportTarget.Libvirt && ShellScript.UriHostProblem(text) is { } problem) throw doc.Error(at, problem);
            return text;
        }
    }
}
