// A miniature of the product that breaks every pipeline rule once, so that ArchitectureTests can show the
// rules catch what they claim to (a test of the test). Nothing here is called; only its compiled
// dependencies are read.
#pragma warning disable CA1822

namespace Consolidator.Tests.Architecture.Fixture
{
    /// <summary>Marks the fixture's root namespace.</summary>
    public static class Root;
}

namespace Consolidator.Tests.Architecture.Fixture.Datasets
{
    public sealed record DatasetFile(string Path);
}

namespace Consolidator.Tests.Architecture.Fixture.Packing
{
    public sealed record Problem(int Vms);
}

namespace Consolidator.Tests.Architecture.Fixture.Solving
{
    /// <summary>Reads a file (the core reads none) and uses an adapter.</summary>
    public sealed class Solver
    {
        public string Solve(Datasets.DatasetFile file) => System.IO.File.ReadAllText(file.Path);
        public Packing.Problem Problem() => new(1);
    }
}

namespace Consolidator.Tests.Architecture.Fixture.Validation
{
    /// <summary>A checker that calls the solver: no longer independent.</summary>
    public sealed class Checker
    {
        public bool Check(Solving.Solver solver) => solver.Problem().Vms > 0;
    }
}

namespace Consolidator.Tests.Architecture.Fixture.Profiles
{
    /// <summary>Profiles come before the placement problem; this one reaches forward into it.</summary>
    public sealed record Profile(Packing.Problem Problem);
}

namespace Consolidator.Tests.Architecture.Fixture.Inventory
{
    public sealed record Host(string Id, Traces.Series? Series);
}

namespace Consolidator.Tests.Architecture.Fixture.Traces
{
    /// <summary>Same layer as Inventory, but the two use each other: a cycle.</summary>
    public sealed record Series(Inventory.Host? Host);
}

namespace Consolidator.Tests.Architecture.Fixture.Mystery
{
    /// <summary>A module nobody placed in the pipeline.</summary>
    public sealed record Unplaced(int X);
}
