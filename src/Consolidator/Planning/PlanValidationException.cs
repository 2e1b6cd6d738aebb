using System.Collections.Immutable;
using Consolidator.Validation;

namespace Consolidator.Planning;

/// <summary>The independent validator rejected a plan the planner produced: a bug, never a plan to write.</summary>
public sealed class PlanValidationException(ImmutableArray<Violation> violations)
    : Exception("the plan failed validation and was not written: " + string.Join("; ", violations.Take(10)))
{
    public ImmutableArray<Violation> Violations { get; } = violations;
}
