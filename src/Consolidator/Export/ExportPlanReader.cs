using System.Collections.Immutable;
using System.Text.Json;
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
        var plan = new Doc(planUtf8, planPath, target);
        var root = plan.Object(LocatedJson.Parse(planUtf8, planPath), "plan");
        var schema = plan.Member(root, "schema");
        if (plan.String(schema, "schema") != PlanJsonWriter.Schema)
            throw plan.Error(schema, "schema", $"not a plan this version reads; expected \"{PlanJsonWriter.Schema}\"");
        var (methods, _) = simulationUtf8 is null ? ([], null) : ReadSimulation(simulationUtf8, simulationPath ?? "simulation.json");

        var stages = plan.Array(plan.Member(root, "stages"), "stages").Items.Select((node, i) =>
        {
            var stage = plan.Object(node, "stages");
            var number = i + 1;
            var moves = plan.Array(plan.Member(stage, "migrations"), "migrations").Items.Select(item =>
            {
                var m = plan.Object(item, "migrations");
                var kindNode = plan.Member(m, "kind");
                var kind = plan.String(kindNode, "kind");
                if (kind is not ("move" or "relay" or "place")) throw plan.Error(kindNode, "kind", "must be \"move\", \"relay\" or \"place\"");
                var fromNode = plan.Member(m, "from_host");
                string? from = plan.IsNull(fromNode) ? null : plan.Host(fromNode, "from_host");
                if ((from is null) != (kind == "place"))
                    throw plan.Error(fromNode, "from_host", kind == "place" ? "a \"place\" starts a VM that runs nowhere: from_host must be null" : "a live migration needs a from_host");
                var vm = plan.Id(plan.Member(m, "vm_id"), "vm_id");
                var (method, timeout, limit) = methods.GetValueOrDefault((number, vm), ("precopy", null, null));
                return new ExportMigration(vm, from, plan.Host(plan.Member(m, "to_host"), "to_host"), kind, method, limit, timeout);
            }).ToImmutableArray();
            return new ExportStage(number, moves);
        }).ToImmutableArray();
        return new ExportPlan(stages);
    }

    /// <summary>What the replay assumed, per migration (method, libvirt timeout, QEMU's downtime-limit, which
    /// falls back to the options' one); a simulation.json without the optional fields gives nulls.</summary>
    private static (Dictionary<(int Stage, string Vm), (string Method, double? TimeoutSeconds, double? DowntimeLimitMs)>, double? DowntimeLimitMs) ReadSimulation(byte[] utf8, string path)
    {
        var doc = new Doc(utf8, path, ExportTarget.OpenStack);
        var root = doc.Object(LocatedJson.Parse(utf8, path), "simulation");
        double? downtimeLimitMs = null;
        if (doc.Optional(root, "options") is { } optionsNode) downtimeLimitMs = LimitMs(doc, doc.Object(optionsNode, "options"));
        var migrations = new Dictionary<(int, string), (string, double?, double?)>();
        foreach (var item in doc.Array(doc.Member(root, "migrations"), "migrations").Items)
        {
            var m = doc.Object(item, "migrations");
            var stageNode = doc.Member(m, "stage");
            if (stageNode is not LocatedJson.Scalar { Kind: JsonTokenType.Number } s || !int.TryParse(s.Text, out var stage))
                throw doc.Error(stageNode, "stage", "expected a whole number");
            var methodNode = doc.Member(m, "method");
            var method = doc.String(methodNode, "method");
            if (method is not ("precopy" or "postcopy" or "hybrid")) throw doc.Error(methodNode, "method", "must be \"precopy\", \"postcopy\" or \"hybrid\"");
            double? timeout = null;
            if (doc.Optional(m, "timeout_s") is { } timeoutNode && !doc.IsNull(timeoutNode))
            {
                var t = doc.Number(timeoutNode, "timeout_s");
                if (!(t > 0 && t <= 31_536_000)) throw doc.Error(timeoutNode, "timeout_s", "must be a number of seconds above 0 and at most a year");
                timeout = t;
            }
            migrations[(stage, doc.Id(doc.Member(m, "vm_id"), "vm_id"))] = (method, timeout, LimitMs(doc, m) ?? downtimeLimitMs);
        }
        return (migrations, downtimeLimitMs);
    }

    /// <summary>An optional qemu_downtime_limit_ms of an object (the options', or a migration's own).</summary>
    private static double? LimitMs(Doc doc, LocatedJson.Object o)
    {
        if (doc.Optional(o, "qemu_downtime_limit_ms") is not { } node || doc.IsNull(node)) return null;
        var limit = doc.Number(node, "qemu_downtime_limit_ms");
        if (!(limit >= 1 && limit <= 2_000_000)) throw doc.Error(node, "qemu_downtime_limit_ms", "must be between 1 and 2000000 ms");
        return limit;
    }

    /// <summary>The window scheme a plan was made with (options.windows), for the host-level schedule.</summary>
    public static Profiles.WindowScheme Windows(byte[] planUtf8, string planPath)
    {
        var plan = new Doc(planUtf8, planPath, ExportTarget.OpenStack);
        var root = plan.Object(LocatedJson.Parse(planUtf8, planPath), "plan");
        var options = plan.Object(plan.Member(root, "options"), "options");
        var node = plan.Member(options, "windows");
        try
        {
            return Profiles.WindowScheme.Parse(plan.String(node, "windows"));
        }
        catch (FormatException e)
        {
            throw plan.Error(node, "windows", e.Message);
        }
    }

    private sealed class Doc(byte[] utf8, string path, ExportTarget target) : JsonFields(utf8, path)
    {
        /// <summary>An id that goes into the script as one quoted argument; see <see cref="ShellScript.IdProblem"/>.</summary>
        public string Id(LocatedJson node, string field)
        {
            var text = String(node, field);
            if (ShellScript.IdProblem(text) is { } problem) throw Error(node, field, problem);
            return text;
        }

        /// <summary>A host id; for libvirt it also becomes the host of a qemu+ssh:// URI.</summary>
        public string Host(LocatedJson node, string field)
        {
            var text = Id(node, field);
            if (target == ExportTarget.Libvirt && ShellScript.UriHostProblem(text) is { } problem) throw Error(node, field, problem);
            return text;
        }
    }
}
