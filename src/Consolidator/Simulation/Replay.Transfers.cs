namespace Consolidator.Simulation;

internal sealed partial class Replay
{
    /// <summary>Brings migration i's models up to now at the rate it had since its last event.</summary>
    private void Sync(int i)
    {
        _process[i]!.Advance(_now - _last[i], _rate[i]);
        _last[i] = _now;
    }

    private void Schedule(int i)
    {
        _version[i]++;
        var delay = _process[i]!.NextDelay(_rate[i]);
        if (double.IsFinite(delay)) _events.Enqueue((i, _version[i]), (_now + Math.Max(0, delay), ProcessEvent, i));
    }

    private void JoinTransfer(int i)
    {
        var m = _planned[i].Move;
        _transferring[i] = true;
        _sending[m.From].Add(i);
        _receiving[m.To].Add(i);
        Rebalance(m.From, m.To);
    }

    private void LeaveTransfer(int i)
    {
        var m = _planned[i].Move;
        _transferring[i] = false;
        _sending[m.From].Remove(i);
        _receiving[m.To].Remove(i);
        Rebalance(m.From, m.To);
        if (_results[i] is null) Schedule(i);
    }

    /// <summary>The number of migrations on a sending side and a receiving side changed: every migration on
    /// them gets its new share, and the NICs they touch are checked for the peak utilisation.</summary>
    private void Rebalance(int sender, int receiver)
    {
        foreach (var j in _sending[sender]) Reshare(j);
        foreach (var j in _receiving[receiver]) if (_planned[j].Move.From != sender) Reshare(j);
        Utilisation(sender);
        Utilisation(receiver);
        foreach (var j in _sending[sender]) Utilisation(_planned[j].Move.To);
        foreach (var j in _receiving[receiver]) Utilisation(_planned[j].Move.From);
    }

    private void Reshare(int j)
    {
        Sync(j);
        var m = _planned[j].Move;
        var wire = Math.Min(_o.Transport.StreamCapMibPerSecond, Math.Min(
            _nic[m.From] / _sending[m.From].Count, _nic[m.To] / _receiving[m.To].Count));
        _rate[j] = _o.Compress.PageRate(wire);
        _wire[j] = _rate[j] / _o.Compress.Ratio;
        Schedule(j);
    }

    private void Utilisation(int h)
    {
        double sent = 0, received = 0;
        foreach (var j in _sending[h]) sent += _wire[j];
        foreach (var j in _receiving[h]) received += _wire[j];
        _peak = Math.Max(_peak, Math.Max(sent, received) / _nic[h]);
    }

    /// <summary>Ends migration i: frees its slots and NIC shares, puts the VM where the outcome says, and lets
    /// waiting migrations on its two hosts start.</summary>
    private void Finish(int i, MigrationStatus status, string? note, double lostStateSeconds)
    {
        var m = _planned[i].Move;
        _results[i] = Result(i, status, note, lostStateSeconds);
        _version[i]++;
        if (_transferring[i]) LeaveTransfer(i);
        _slots[m.From]--;
        _slots[m.To]--;
        switch (status)
        {
            case MigrationStatus.Completed:
                _room.Remove(m.Vm, m.From);
                _at[m.Vm] = m.To;
                break;
            case MigrationStatus.Lost:
                _room.Remove(m.Vm, m.From);
                _room.Remove(m.Vm, m.To);
                _at[m.Vm] = -1;
                break;
            default:
                _room.Remove(m.Vm, m.To);
                break;
        }
        foreach (var j in Waiting(m.From, m.To)) TryStart(j);
    }

    private void Skip(int i, string reason)
    {
        StopWaiting(i);
        var (planned, m) = (_planned[i], _planned[i].Move);
        _start[i] = _last[i] = _now;
        _results[i] = new VmMigrationResult(i, m.Vm, m.From, m.To, planned.Stage, m.Kind, planned.Decision.Method,
            planned.Decision.Reason, MigrationStatus.Skipped, reason, _now, _now, 0, 0, 0, true, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>The migrations waiting on either host, in plan order (a copy: starting one edits the lists).</summary>
    private List<int> Waiting(int a, int b)
    {
        var list = new List<int>(_waitingAt[a].Count + _waitingAt[b].Count);
        list.AddRange(_waitingAt[a]);
        foreach (var j in _waitingAt[b]) if (!_waitingAt[a].Contains(j)) list.Add(j);
        list.Sort();
        return list;
    }

    private void StopWaiting(int i)
    {
        _waitingAt[_planned[i].Move.From].Remove(i);
        _waitingAt[_planned[i].Move.To].Remove(i);
    }

    private VmMigrationResult Result(int i, MigrationStatus status, string? note, double lostStateSeconds)
    {
        var (planned, m, process) = (_planned[i], _planned[i].Move, _process[i]!);
        var wire = _o.Compress.WireMib(process.MovedMib);
        var seconds = _now - _start[i];
        return new VmMigrationResult(
            i, m.Vm, m.From, m.To, planned.Stage, m.Kind, process.Method, planned.Decision.Reason, status, note,
            _start[i], _now, process.DowntimeSeconds, wire,
            process.Method == MigrationMethod.PostCopy ? 0 : process.Rounds,
            !process.Forced,
            process.DegradedSeconds, process.FaultStallSeconds, lostStateSeconds,
            MigrationEnergy.DataModelJoules(wire),
            MigrationEnergy.PowerModelJoules(_p.Hosts[m.From], _p.Hosts[m.To], _p.Vms[m.Vm].Vcpus, seconds),
            _o.Compress.CpuSeconds(process.MovedMib));
    }

    private StageResult StageSummary(int number, double start, int first, int next, int placements)
    {
        int completed = 0, failed = 0, skipped = 0;
        for (var i = first; i < next; i++)
        {
            switch (_results[i]!.Status)
            {
                case MigrationStatus.Completed: completed++; break;
                case MigrationStatus.Skipped: skipped++; break;
                default: failed++; break;
            }
        }
        return new StageResult(number, start, _now, next - first, completed, failed, skipped, placements);
    }
}
