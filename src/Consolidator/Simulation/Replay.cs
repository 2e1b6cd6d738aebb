using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Packing;
using Consolidator.Staging;

namespace Consolidator.Simulation;

/// <summary>What the replay produced before the summary figures are derived.</summary>
internal sealed record ReplayOutcome(
    ImmutableArray<VmMigrationResult> Migrations, ImmutableArray<StageResult> Stages, ImmutableArray<int> FinalHostOf,
    double PeakNicUtilisation);

/// <summary>Discrete-event replay of a staged plan. A stage starts when the previous one has ended; its
/// migrations start in plan order as soon as both hosts have a free migration slot; running migrations share
/// each host's NIC, so every start and end changes the rates of the others on the same NICs, and each
/// migration's models (<see cref="MigrationProcess"/>) advance at whatever rate they have between events.</summary>
/// <remarks>
/// Bandwidth: NICs are full duplex, as BtrPlace models links, so outgoing migrations share a host's sending
/// side and incoming ones its receiving side; a migration runs at the smaller of its equal shares on its two
/// ends (capped per stream by the link profile). No NIC side is ever oversubscribed; a migration held back by
/// its other end may leave part of its share unused, the price of recomputing only the migrations on the two
/// NICs an event touches instead of a global max-min fair allocation.
/// </remarks>
internal sealed partial class Replay
{
    private readonly PlacementProblem _p;
    private readonly MigrationPlan _plan;
    private readonly ImmutableArray<PlannedMigration> _planned;
    private readonly IReadOnlyList<VmMigrationInputs> _vms;
    private readonly SimulationOptions _o;
    private readonly double[] _nic;
    private readonly RoomTally _room;
    private readonly int[] _at;
    private readonly List<int>[] _sending;
    private readonly List<int>[] _receiving;
    private readonly List<int>[] _waitingAt;
    private readonly int[] _slots;
    private readonly MigrationProcess?[] _process;
    private readonly bool[] _transferring;
    private readonly double[] _rate;
    private readonly double[] _sideLeft;
    private readonly int[] _sideCount;
    private readonly int[] _sideSeen;
    private readonly int[] _flowSeen;
    private readonly bool[] _frozen;
    private readonly HashSet<int> _touched = [];
    private int _stamp;
    private readonly double[] _last;
    private readonly double[] _start;
    private readonly int[] _version;
    private readonly VmMigrationResult?[] _results;
    private readonly DrawnFailure[] _drawn;
    private readonly PriorityQueue<(int Migration, int Version), (double Time, int Kind, int Migration)> _events = new();
    private double _now;
    private double _peak;

    public Replay(PlacementProblem p, MigrationPlan plan, ImmutableArray<PlannedMigration> planned,
        IReadOnlyList<VmMigrationInputs> vms, double[] nicMibPerSecond, SimulationOptions options,
        IReadOnlyList<double>? diskWriteMibPerSecond = null)
    {
        _p = p;
        _plan = plan;
        _planned = planned;
        _vms = vms;
        _o = options;
        _nic = nicMibPerSecond;
        _room = new RoomTally(p);
        _at = [.. Enumerable.Range(0, p.VmCount).Select(p.CurrentHost)];
        _sending = NewLists(p.HostCount);
        _receiving = NewLists(p.HostCount);
        _waitingAt = NewLists(p.HostCount);
        _slots = new int[p.HostCount];
        var n = planned.Length;
        _process = new MigrationProcess?[n];
        _transferring = new bool[n];
        _rate = new double[n];
        _sideLeft = new double[2 * p.HostCount];
        _sideCount = new int[2 * p.HostCount];
        _sideSeen = new int[2 * p.HostCount];
        _flowSeen = new int[n];
        _frozen = new bool[n];
        _last = new double[n];
        _start = new double[n];
        _version = new int[n];
        _results = new VmMigrationResult?[n];
        _drawn = new DrawnFailure[n];
        InitDisks(diskWriteMibPerSecond);
    }

    public ReplayOutcome Run(CancellationToken cancel = default)
    {
        var stages = ImmutableArray.CreateBuilder<StageResult>();
        var next = 0;
        foreach (var stage in _plan.Stages)
        {
            cancel.ThrowIfCancellationRequested();
            var stageStart = _now;
            var placements = StartPlacements(stage);
            var first = next;
            while (next < _planned.Length && _planned[next].Stage == stage.Number) next++;
            for (var i = first; i < next; i++)
            {
                _waitingAt[_planned[i].Move.From].Add(i);
                _waitingAt[_planned[i].Move.To].Add(i);
            }
            for (var i = first; i < next; i++) TryStart(i);
            while (_events.TryDequeue(out var e, out var at))
            {
                cancel.ThrowIfCancellationRequested();
                // Events of migrations that ended or were rescheduled are dropped without moving the clock.
                var live = at.Kind switch
                {
                    ScriptedFailureEvent => _results[e.Migration] is null && !_scriptedStruck,
                    DrawnFailureEvent => _results[e.Migration] is null && _drawn[e.Migration].Pending && e.Version == _drawn[e.Migration].Version,
                    _ => e.Version == _version[e.Migration],
                };
                if (!live) continue;
                _now = Math.Max(_now, at.Time);
                if (at.Kind == ProcessEvent) OnProcessEvent(e.Migration);
                else if (at.Kind == ScriptedFailureEvent) StrikeScriptedFailure();
                else OnLinkFailure(e.Migration);
            }
            for (var i = first; i < next; i++)
                if (_results[i] is null) Skip(i, _room.Overflow(_planned[i].Move.Vm, _planned[i].Move.To) ?? "no room on the destination during the stage");
            stages.Add(StageSummary(stage.Number, stageStart, first, next, placements));
        }
        return new ReplayOutcome([.. _results.Select(r => r!)], stages.ToImmutable(), [.. _at], _peak);
    }

    // At one moment a migration's own events come first: one whose copy ends when the scripted failure strikes
    // was no longer in progress then.
    private const int ProcessEvent = 0;
    private const int ScriptedFailureEvent = 1;
    private const int DrawnFailureEvent = 2;

    /// <summary>First placements start VMs that ran nowhere; they take no time and move no memory.</summary>
    private int StartPlacements(Stage stage)
    {
        var count = 0;
        foreach (var m in stage.Migrations.Where(m => m.Kind == MigrationKind.Place))
        {
            if (_at[m.Vm] >= 0 || _room.Overflow(m.Vm, m.To) is not null) continue;
            _room.Add(m.Vm, m.To);
            _at[m.Vm] = m.To;
            AddImages(m.Vm, m.To);
            count++;
        }
        return count;
    }

    private void TryStart(int i)
    {
        if (_results[i] is not null || _process[i] is not null) return;
        var (m, v) = (_planned[i].Move, _planned[i].Move.Vm);
        if (_at[v] != m.From)
        {
            Skip(i, _at[v] < 0 ? "the VM was lost in an earlier failed migration"
                : $"the VM is on {_p.Hosts[_at[v]].Id}, not {_p.Hosts[m.From].Id}, after an earlier migration failed");
            return;
        }
        var limit = _o.MaxConcurrentPerHost;
        if (limit > 0 && (_slots[m.From] >= limit || _slots[m.To] >= limit)) return;
        if (_room.Overflow(v, m.To) is not null) return;

        StopWaiting(i);
        _slots[m.From]++;
        _slots[m.To]++;
        _room.Add(v, m.To);
        _process[i] = new MigrationProcess(_vms[v], _planned[i].Decision.Method, _o, _planned[i].PlannedWireMibPerSecond);
        _start[i] = _last[i] = _now;
        // A migration starting at the scripted moment is in progress then too: a link down at second 0 fails
        // the first stage's migrations in their setup. Each running migration carries the event, so that a stage
        // that ends sooner drops it without moving the clock.
        if (_o.FaultPlan.FailAtSeconds is { } t && t >= _now && !_scriptedStruck) _events.Enqueue((i, 0), (t, ScriptedFailureEvent, i));
        if (_planned[i].FailShare is { } share) _drawn[i] = new DrawnFailure(share, _planned[i].PlannedWireMibPerSecond);
        if (!StartBlockCopy(i)) Schedule(i);
    }

    private void OnProcessEvent(int i)
    {
        if (Copying(i) is not null)
        {
            OnBlockCopyEvent(i);
            return;
        }
        var process = _process[i]!;
        Sync(i);
        if (_drawn[i].Pending)
        {
            // A drawn failure falls within the copy: if the copy would end now, sooner than its estimated length
            // said, the link fails at its last byte instead of never.
            var ahead = process.Copy();
            ahead.Step(_rate[i]);
            if (ahead.CopyDone)
            {
                OnLinkFailure(i);
                return;
            }
        }
        var wasTransferring = _transferring[i];
        var capBefore = process.WireCap;
        process.Step(_rate[i]);
        if (process.IsDone) Finish(i, process.Recovered ? MigrationStatus.Recovered : MigrationStatus.Completed, RecoveryNote(i), 0);
        else if (process.Transfers && !wasTransferring) JoinTransfer(i);
        else if (!process.Transfers && wasTransferring) LeaveTransfer(i);
        else if (process.Transfers && process.WireCap != capBefore) Rebalance(_planned[i].Move.From, _planned[i].Move.To);
        else Schedule(i);
    }

    private void OnLinkFailure(int i)
    {
        if (_process[i] is not { } process) return;
        // One failure per migration: a scripted one before the drawn one takes its place.
        _drawn[i] = default;
        Sync(i);
        if (Copying(i) is not null)
        {
            FailBlockCopy(i);
            return;
        }
        var phase = process.Phase;
        var when = _now.ToString("0.###", CultureInfo.InvariantCulture);
        switch (process.Fail(_o.FaultPlan.RecoverySeconds))
        {
            case FailureEffect.Paused:
                _failedAt[i] = _now;
                if (_transferring[i]) LeaveTransfer(i);
                else Schedule(i);
                break;
            case FailureEffect.Aborted:
                Finish(i, MigrationStatus.Aborted, $"link failed at {when} s during {PhaseName(phase)}; the VM keeps running on its source", 0);
                break;
            case FailureEffect.VmLost when _o.FaultPlan.CheckpointIntervalSeconds is { } interval:
                var lost = _now - Math.Floor(_now / interval) * interval;
                Finish(i, MigrationStatus.Restored, string.Format(CultureInfo.InvariantCulture,
                    "link failed at {0} s during post-copy; restored on its source from the checkpoint of {1:0.###} s, losing {2:0.###} s of state",
                    when, _now - lost, lost), lost);
                break;
            case FailureEffect.VmLost:
                Finish(i, MigrationStatus.Lost, $"link failed at {when} s during post-copy with memory split between the hosts; no checkpoint, the VM is lost", 0);
                break;
        }
    }

    private readonly Dictionary<int, double> _failedAt = [];

    private bool _scriptedStruck;

    /// <summary>The scripted failure strikes once, every migration in progress at that moment at once; those that
    /// start because of it (a slot it freed, the next stage at the same second) start after it.</summary>
    private void StrikeScriptedFailure()
    {
        _scriptedStruck = true;
        var running = Enumerable.Range(0, _planned.Length).Where(j => _process[j] is not null && _results[j] is null).ToArray();
        foreach (var j in running) OnLinkFailure(j);
    }

    private string? RecoveryNote(int i) => _failedAt.TryGetValue(i, out var at)
        ? string.Format(CultureInfo.InvariantCulture,
            "link failed at {0:0.###} s during post-copy; QEMU paused the migration and migrate-recover resumed it {1:0.###} s later; the VM blocked on missing pages meanwhile",
            at, _o.FaultPlan.RecoverySeconds)
        : null;

    private static string PhaseName(Phase phase) => phase switch
    {
        Phase.Rounds or Phase.Sync => "pre-copy",
        Phase.Setup => "setup",
        Phase.StopAndCopy => "stop-and-copy",
        Phase.Switchover => "the post-copy switch",
        Phase.Resume => "the resume",
        _ => "post-copy",
    };

    private static List<int>[] NewLists(int n) => [.. Enumerable.Range(0, n).Select(_ => new List<int>())];
}
