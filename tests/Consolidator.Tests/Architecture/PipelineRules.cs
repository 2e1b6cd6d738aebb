using ArchUnitNET.Domain;

namespace Consolidator.Tests.Architecture;

/// <summary>The direction data flows in (traces -> profiles -> placement problem -> solver -> plan -> validator
/// -> simulator -> report), stated once as layers of namespaces and checked over the type dependencies of a
/// compiled assembly. A namespace is named by its first segment under the root (`Consolidator.Solving.X` is
/// module `Solving`); types in the root namespace itself (the located <see cref="InputException"/>) are the
/// kernel every module may use. Parametrised by the root so that the rules can be shown to catch a forbidden
/// dependency in a fixture (<see cref="Fixture"/>) as well as to pass on the product.</summary>
public static class PipelineRules
{
    /// <summary>The pipeline's core, lowest layer first: a module may use modules of its own layer or of lower
    /// ones, never of a higher one and never an adapter.</summary>
    public static readonly string[][] CoreLayers =
    [
        ["Randomness", "Timing", "Power", "Inventory", "Rules", "Storage", "Traces"],
        ["Profiles"],
        ["Packing"],
        ["Heuristics", "Solving", "Feasibility"],
        ["Staging", "Allocation"],
        ["Validation"],
        ["Simulation"],
        ["Planning"],
        ["Evaluation", "Sweeps"],
        ["Plots", "Reporting"],
    ];

    /// <summary>The modules that touch the outside world (files, networks, processes): they read and write
    /// datasets, plan files and scripts, and drive the core. They may use the core and each other; the core
    /// never uses them.</summary>
    public static readonly string[] Adapters = ["Generation", "Datasets", "Importers", "Export", "Benchmarks", "Output", "Calibration", "Images"];

    /// <summary>The independent checker must not share the solver's code: a bug there would hide in both.</summary>
    public static readonly (string Module, string[] Forbidden)[] Independence =
    [
        ("Validation", ["Heuristics", "Solving", "Feasibility"]),
        ("Staging", ["Heuristics", "Solving", "Feasibility"]),
    ];

    /// <summary>Types through which code reaches the file system, the network or other processes. The core reads
    /// no files: the solver and the simulator get values, so that any plan can be reproduced from its inputs.</summary>
    public static readonly string[] OutsideWorld =
    [
        "System.IO.File", "System.IO.FileInfo", "System.IO.Directory", "System.IO.DirectoryInfo",
        "System.IO.FileStream", "System.IO.FileSystemInfo", "System.IO.DriveInfo", "System.IO.FileSystemWatcher",
        "System.IO.Compression.ZipFile", "System.Diagnostics.Process", "System.Net.Http.HttpClient",
        "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient",
    ];

    /// <summary>Every broken rule, one line each; empty when the assembly keeps them all.</summary>
    public static List<string> Violations(ArchUnitNET.Domain.Architecture architecture, string root)
    {
        var graph = ModuleGraph.Of(architecture, root);
        var layerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < CoreLayers.Length; i++)
            foreach (var m in CoreLayers[i]) layerOf[m] = i;
        var adapters = Adapters.ToHashSet(StringComparer.Ordinal);
        var found = new List<string>();

        foreach (var module in graph.Modules.Where(m => m.Length > 0 && !layerOf.ContainsKey(m) && !adapters.Contains(m)))
            found.Add($"{root}.{module} has no place in the pipeline: add it to a layer of PipelineRules.CoreLayers, or to PipelineRules.Adapters if it reads or writes files, networks or processes");

        foreach (var ((from, to), example) in graph.Edges)
        {
            if (from.Length == 0 || to.Length == 0) continue;
            if (layerOf.TryGetValue(from, out var fl))
            {
                if (adapters.Contains(to))
                    found.Add($"{root}.{from} (core) uses the adapter {root}.{to} ({example}): the core reads no files");
                else if (layerOf.TryGetValue(to, out var tl) && tl > fl)
                    found.Add($"{root}.{from} uses {root}.{to}, which comes later in the pipeline ({example})");
            }
            foreach (var (module, forbidden) in Independence)
                if (from == module && forbidden.Contains(to))
                    found.Add($"{root}.{from} uses {root}.{to} ({example}): the checker must stay independent of the solver");
        }

        foreach (var (module, type, example) in graph.External)
            if (layerOf.ContainsKey(module) && OutsideWorld.Contains(type))
                found.Add($"{root}.{module} reaches the outside world through {type} ({example}): only adapters read files, networks or processes");

        foreach (var cycle in graph.Cycles())
            found.Add($"namespaces use each other in a cycle: {string.Join(" -> ", cycle.Select(m => $"{root}.{m}"))}");
        return found;
    }
}
