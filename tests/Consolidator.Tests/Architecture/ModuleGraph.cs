using ArchUnitNET.Domain;

namespace Consolidator.Tests.Architecture;

/// <summary>The dependencies between the modules (first namespace segments under a root) of an assembly, read
/// by ArchUnitNET from the compiled code: every type, member signature, body call and attribute counts. Each edge
/// keeps one example ("Type -> Type") so that a broken rule points at code.</summary>
public sealed class ModuleGraph
{
    public SortedSet<string> Modules { get; } = new(StringComparer.Ordinal);

    /// <summary>Module to module, with one example of a type dependency behind the edge.</summary>
    public SortedDictionary<(string From, string To), string> Edges { get; } = new();

    /// <summary>Types outside the root that a module uses (their full names, generic arity stripped).</summary>
    public List<(string Module, string Type, string Example)> External { get; } = [];

    public static ModuleGraph Of(ArchUnitNET.Domain.Architecture architecture, string root)
    {
        var graph = new ModuleGraph();
        var seenExternal = new HashSet<(string, string)>();
        foreach (var type in architecture.Types)
        {
            if (Module(type, root) is not { } from) continue;
            graph.Modules.Add(from);
            foreach (var dependency in type.Dependencies)
            {
                var target = dependency.Target;
                var example = $"{type.FullName} -> {target.FullName}";
                if (Module(target, root) is { } to)
                {
                    if (to != from) graph.Edges.TryAdd((from, to), example);
                }
                else
                {
                    var name = StripArity(target.FullName);
                    if (seenExternal.Add((from, name))) graph.External.Add((from, name, example));
                }
            }
        }
        return graph;
    }

    /// <summary>Each cycle between modules once, as a path that returns to its start (depth-first search over
    /// the edges in name order, so the report is stable).</summary>
    public IEnumerable<List<string>> Cycles()
    {
        var next = Edges.Keys.Where(e => e.From.Length > 0 && e.To.Length > 0)
            .GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var state = new Dictionary<string, int>(); // 1 = on the path, 2 = done
        var path = new List<string>();
        var cycles = new List<List<string>>();
        void Visit(string m)
        {
            state[m] = 1;
            path.Add(m);
            foreach (var n in next.GetValueOrDefault(m, []))
            {
                if (state.GetValueOrDefault(n) == 1) cycles.Add([.. path.Skip(path.IndexOf(n)), n]);
                else if (state.GetValueOrDefault(n) == 0) Visit(n);
            }
            path.RemoveAt(path.Count - 1);
            state[m] = 2;
        }
        foreach (var m in Modules) if (state.GetValueOrDefault(m) == 0) Visit(m);
        return cycles;
    }

    /// <summary>The module of a type under the root: "" for the root namespace itself, null outside the root.
    /// Nested and compiler-generated types share their declaring type's namespace.</summary>
    private static string? Module(IType type, string root)
    {
        var ns = type.Namespace?.FullName ?? "";
        if (ns == root) return "";
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        var rest = ns[(root.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static string StripArity(string fullName)
    {
        var tick = fullName.IndexOf('`');
        return tick < 0 ? fullName : fullName[..tick];
    }
}
