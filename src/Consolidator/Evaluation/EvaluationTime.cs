using System.Collections.Immutable;

namespace Consolidator.Evaluation;

/// <summary>Where an evaluation's wall-clock limit went, as `plan`'s time line says it for one plan: each plan's share
/// of the limit (<see cref="PlanShares"/>) and what it used, and each fold's seconds, those outside its plans (every
/// policy's replay, the rounds' profiles, the simulator's replay: never cut short) among them. Recorded only under a
/// wall-clock limit: the deterministic mode's output must not change with the load.</summary>
public sealed record EvaluationTime(ImmutableArray<PlanTime> Plans, ImmutableArray<FoldTime> Folds);

/// <summary>One plan (the static one or a re-plan round) of fold <paramref name="Fold"/> (1 for the first): the seconds
/// its share gave it when it started, and the seconds it took (more when the work never cut short inside it, reading
/// its history, profiles, staging, validation, ran past the share).</summary>
public sealed record PlanTime(int Fold, double Share, double Used);

/// <summary>Fold <paramref name="Fold"/> (1 for the first): its wall-clock seconds, the part outside its plans, the
/// deadline's pace averaged over its readings, and the seconds the split had set aside at its start for the work never
/// cut short of this fold and every later one (<see cref="PlanShares.Reserve"/>).</summary>
public sealed record FoldTime(int Fold, double Seconds, double OutsidePlans, double Pace, double Reserve);
