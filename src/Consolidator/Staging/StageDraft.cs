using System.Collections.Immutable;

namespace Consolidator.Staging;

/// <summary>The stage being filled: its migrations in admission order and how many touch each host, so
/// that the optional per-host limit (a host's concurrent live migrations, in and out together, as
/// hypervisors cap them) holds.</summary>
internal sealed class StageDraft(StagingState state, int maxMigrationsPerHost)
{
    private readonly int[] _touches = new int[state.Problem.HostCount];
    private readonly List<Migration> _migrations = [];
    private readonly HashSet<int> _moving = [];

    public bool IsEmpty => _migrations.Count == 0;

    public bool Contains(int v) => _moving.Contains(v);

    public bool WithinHostLimit(int from, int to) =>
        maxMigrationsPerHost == 0
        || ((from < 0 || _touches[from] < maxMigrationsPerHost) && _touches[to] < maxMigrationsPerHost);

    public void Admit(int v, int to, MigrationKind kind)
    {
        var from = state.Position[v];
        state.Reserve(v, to);
        if (from >= 0) _touches[from]++;
        _touches[to]++;
        _migrations.Add(new Migration(v, from, to, kind));
        _moving.Add(v);
    }

    /// <summary>Lets every migration of the stage finish: sources are released only now.</summary>
    public Stage Close(int number)
    {
        foreach (var m in _migrations) state.Complete(m.Vm, m.To);
        return new Stage(number, [.. _migrations]);
    }
}
