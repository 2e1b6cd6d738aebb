using System.Collections.Immutable;

namespace Consolidator.Benchmarks;

/// <summary>One instance a family can run: a name unique within the family, the group its row is summarised
/// in, a line saying what it is, the solver seconds it is given (so a runner can bound the wait), and how to
/// run it into a row.</summary>
public sealed record BenchCase(string Family, string Instance, string? Group, string Description, double SolverSeconds, Func<BenchRow> Run)
{
    /// <summary>family/instance: how the command line names the case.</summary>
    public string Id => $"{Family}/{Instance}";

    /// <summary>The row of this case when it could not run.</summary>
    public BenchRow Failed(string error) => BenchRow.Failed(Family, Instance, Group, error);
}

/// <summary>The cases of a family in a fixed order, and a message for everything it left out and why.</summary>
public sealed record BenchCases(ImmutableArray<BenchCase> Cases, ImmutableArray<string> Skipped);

/// <summary>A family of benchmark instances. Adding a row kind (a replay rate, an ingest rate) is one small
/// class that implements this and returns rows with <see cref="BenchRow.Measures"/>.</summary>
public interface IBenchFamily
{
    string Name { get; }

    /// <summary>Runs only when <c>--family</c> names it (it runs its instances many times over, or for long).</summary>
    bool OnlyWhenNamed => false;

    /// <summary>Lists the cases; cheap (no instance is built until its case runs) and deterministic.</summary>
    BenchCases Cases();
}
