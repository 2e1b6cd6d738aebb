using ArchUnitNET.Loader;
using Consolidator.Inventory;

namespace Consolidator.Tests.Architecture;

/// <summary>The pipeline's direction, kept by the build: see <see cref="PipelineRules"/>.</summary>
public class ArchitectureTests
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Product =
        new(() => new ArchLoader().LoadAssemblies(typeof(Host).Assembly).Build());

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Tests =
        new(() => new ArchLoader().LoadAssemblies(typeof(ArchitectureTests).Assembly).Build());

    [Fact]
    public void The_library_keeps_every_pipeline_rule()
    {
        var violations = PipelineRules.Violations(Product.Value, "Consolidator");
        Assert.True(violations.Count == 0, "architecture rules broken:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_module_of_the_library_is_seen_by_the_rules()
    {
        // Guards the test itself: if the loader read nothing, an empty list of violations would mean nothing.
        var modules = ModuleGraph.Of(Product.Value, "Consolidator").Modules;
        foreach (var m in new[] { "Solving", "Simulation", "Validation", "Profiles", "Datasets", "Reporting" })
            Assert.Contains(m, modules);
    }

    [Fact]
    public void The_rules_catch_each_forbidden_dependency_of_the_fixture()
    {
        const string root = "Consolidator.Tests.Architecture.Fixture";
        var violations = PipelineRules.Violations(Tests.Value, root);

        Assert.Contains(violations, v => v.StartsWith($"{root}.Mystery has no place in the pipeline", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith($"{root}.Solving (core) uses the adapter {root}.Datasets", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith($"{root}.Solving reaches the outside world through System.IO.File", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith($"{root}.Validation uses {root}.Solving (", StringComparison.Ordinal) && v.Contains("independent of the solver"));
        Assert.Contains(violations, v => v.StartsWith($"{root}.Profiles uses {root}.Packing, which comes later", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("cycle") && v.Contains($"{root}.Inventory") && v.Contains($"{root}.Traces"));
        // Nothing else: Packing, Datasets, and the allowed edges (Solving -> Packing) raise nothing.
        Assert.Equal(6, violations.Count);
    }
}
