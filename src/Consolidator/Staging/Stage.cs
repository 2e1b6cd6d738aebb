using System.Collections.Immutable;

namespace Consolidator.Staging;

/// <summary>Migrations that run together; the next stage starts when all of them have finished.</summary>
public sealed record Stage(int Number, ImmutableArray<Migration> Migrations);
