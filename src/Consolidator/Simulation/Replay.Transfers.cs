namespace Consolidator.Simulation;

internal sealed partial class Replay
{
    /// <summary>Brings migration i's models up to now at the rate it had since its last event.</summary>
    private void Sync(int i)
    {
        if (Copying(i) is { } copy) copy.Advance(_now - _last[i], _rate[i]);
        else _process[i]!.Advance(_now - _last[i], _rate[i]);
        _last[i] = _now;
    }

    private void Schedule(int i)
    {
        _version[i]++;
        var delay = Copying(i)?.NextDelay(_rate[i]) ?? _process[i]!.NextDelay(_rate[i]);
        if (double.IsFinite(delay)) _events.Enqueue((i, _version[i]), (_now + Math.Max(0, delay), ProcessEvent, i));
        if (_drawn[i].Pending) EstimateFailure(i);
    }

    /// <summary>Migration i's drawn link failure strikes when the share of its copy behind it reaches the drawn
    /// share, the copy's whole length estimated by its models at the rate it has now (its last rate while it does
    /// not send, its planned rate before it first sends): exactly uniform over the copy when that rate holds to the
    /// end, re-estimated whenever it changes. A block copy counts as part of the copy.</summary>
    private void EstimateFailure(int i)
    {
        var d = _drawn[i];
        var rate = _rate[i] > 0 ? _rate[i] : d.Rate;
        var copying = Copying(i);
        if (d.Version > 0 && rate == d.Rate && (copying is not null) == d.InBlockCopy) return;
        var left = (copying?.NextDelay(rate) ?? 0) + _process[i]!.CopySecondsLeft(rate);
        var when = Math.Max(_now, _start[i] + d.Share * (_now - _start[i] + left));
        _drawn[i] = d with { Rate = rate, InBlockCopy = copying is not null, Version = d.Version + 1 };
        _events.Enqueue((i, d.Version + 1), (when, DrawnFailureEvent, i));
    }

    /// <summary>A link failure drawn for a migration (--fail-link) that has not struck yet.</summary>
    /// <param name="Share">Share of the copy after which it strikes, in [0, 1).</param>
    /// <param name="Rate">The wire rate its moment was last estimated at.</param>
    /// <param name="Version">Its scheduled event's version (0: not scheduled yet).</param>
    private readonly record struct DrawnFailure(double Share, double Rate, bool InBlockCopy = false, int Version = 0)
    {
        public bool Pending => Rate > 0;
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
        Sync(i);
        _rate[i] = 0;
        Rebalance(m.From, m.To);
        if (_results[i] is null) Schedule(i);
    }

    /// <summary>Something changed on the sending side of <paramref name="sender"/> or the receiving side of
    /// <paramref name="receiver"/>: the migrations connected to them through shared NIC sides get a new max-min
    /// fair (work-conserving) allocation, and the NICs they touch are checked for the peak utilisation.</summary>
    private void Rebalance(int sender, int receiver)
    {
        var flows = Component(sender, receiver);
        foreach (var j in flows) Sync(j);
        Fill(flows);
        foreach (var j in flows)
        {
            Schedule(j);
            _touched.Add(_planned[j].Move.From);
            _touched.Add(_planned[j].Move.To);
        }
        _touched.Add(sender);
        _touched.Add(receiver);
        foreach (var h in _touched) Utilisation(h);
        _touched.Clear();
    }

    /// <summary>Migrations reachable from the two NIC sides through NIC sides they share (a NIC's sending and
    /// receiving sides are separate: full duplex).</summary>
    private List<int> Component(int sender, int receiver)
    {
        var flows = new List<int>();
        _stamp++;
        var sides = new Stack<int>();
        sides.Push(2 * sender);
        sides.Push(2 * receiver + 1);
        while (sides.Count > 0)
        {
            var side = sides.Pop();
            if (_sideSeen[side] == _stamp) continue;
            _sideSeen[side] = _stamp;
            foreach (var j in side % 2 == 0 ? _sending[side / 2] : _receiving[side / 2])
            {
                if (_flowSeen[j] == _stamp) continue;
                _flowSeen[j] = _stamp;
                flows.Add(j);
                sides.Push(2 * _planned[j].Move.From);
                sides.Push(2 * _planned[j].Move.To + 1);
            }
        }
        flows.Sort();
        return flows;
    }

    /// <summary>Progressive filling: every unfrozen migration's rate rises together until a NIC side it uses is
    /// full or it reaches its own cap (stream limit, max-bandwidth, compression); those freeze and the rest
    /// keep rising. The result is the max-min fair allocation, which leaves no side with spare capacity that a
    /// migration held back only by that side could use.</summary>
    private void Fill(List<int> flows)
    {
        foreach (var j in flows)
        {
            _rate[j] = 0;
            _frozen[j] = false;
            var (s, r) = (2 * _planned[j].Move.From, 2 * _planned[j].Move.To + 1);
            _sideLeft[s] = _nic[s / 2];
            _sideLeft[r] = _nic[r / 2];
            _sideCount[s] = 0;
            _sideCount[r] = 0;
        }
        foreach (var j in flows)
        {
            _sideCount[2 * _planned[j].Move.From]++;
            _sideCount[2 * _planned[j].Move.To + 1]++;
        }
        var unfrozen = flows.Count;
        while (unfrozen > 0)
        {
            var delta = double.PositiveInfinity;
            foreach (var j in flows)
            {
                if (_frozen[j]) continue;
                var (s, r) = (2 * _planned[j].Move.From, 2 * _planned[j].Move.To + 1);
                delta = Math.Min(delta, Math.Min(_sideLeft[s] / _sideCount[s], _sideLeft[r] / _sideCount[r]));
                delta = Math.Min(delta, WireCap(j) - _rate[j]);
            }
            delta = Math.Max(0, delta);
            foreach (var j in flows)
            {
                if (_frozen[j]) continue;
                _rate[j] += delta;
                _sideLeft[2 * _planned[j].Move.From] -= delta;
                _sideLeft[2 * _planned[j].Move.To + 1] -= delta;
            }
            foreach (var j in flows)
            {
                if (_frozen[j]) continue;
                var (s, r) = (2 * _planned[j].Move.From, 2 * _planned[j].Move.To + 1);
                var full = _sideLeft[s] <= FillSlack * _nic[s / 2] || _sideLeft[r] <= FillSlack * _nic[r / 2];
                var capped = _rate[j] >= WireCap(j) * (1 - FillSlack);
                if (!full && !capped) continue;
                _frozen[j] = true;
                unfrozen--;
                _sideCount[s]--;
                _sideCount[r]--;
            }
        }
    }

    /// <summary>The most wire MiB/s migration j can use now: its block copy's or its memory migration's.</summary>
    private double WireCap(int j) => Copying(j)?.WireCap ?? _process[j]!.WireCap;

    /// <summary>Relative slack under which a NIC side counts as full or a migration as at its cap.</summary>
    private const double FillSlack = 1e-12;

    private void Utilisation(int h)
    {
        double sent = 0, received = 0;
        foreach (var j in _sending[h]) sent += _rate[j];
        foreach (var j in _receiving[h]) received += _rate[j];
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
            case MigrationStatus.Completed or MigrationStatus.Recovered:
                _room.Remove(m.Vm, m.From);
                _at[m.Vm] = m.To;
                RemoveImages(m.Vm, m.From);
                AddImages(m.Vm, m.To);
                break;
            case MigrationStatus.Lost:
                _room.Remove(m.Vm, m.From);
                _room.Remove(m.Vm, m.To);
                _at[m.Vm] = -1;
                RemoveImages(m.Vm, m.From);
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
        var wire = process.WireMib;
        var seconds = _now - _start[i];
        var disk = _mirror.Length > 0 ? _mirror[i]?.Result : null;
        return new VmMigrationResult(
            i, m.Vm, m.From, m.To, planned.Stage, m.Kind, process.Method, planned.Decision.Reason, status, note,
            _start[i], _now, process.DowntimeSeconds, wire,
            process.Syncs,
            !process.Forced,
            process.DegradedSeconds, process.FaultStallSeconds, lostStateSeconds,
            MigrationEnergy.DataModelJoules(wire + (disk?.CopiedMib ?? 0)),
            MigrationEnergy.PowerModelJoules(_p.Hosts[m.From], _p.Hosts[m.To], _p.Vms[m.Vm].Vcpus, seconds),
            _o.Compress.CpuSeconds(process.MovedMib),
            process.TimeoutSeconds,
            process.QemuDowntimeSeconds,
            process.QemuDowntimeLimitSeconds,
            disk);
    }

    private StageResult StageSummary(int number, double start, int first, int next, int placements)
    {
        int completed = 0, failed = 0, skipped = 0;
        for (var i = first; i < next; i++)
        {
            switch (_results[i]!.Status)
            {
                case MigrationStatus.Completed or MigrationStatus.Recovered: completed++; break;
                case MigrationStatus.Skipped: skipped++; break;
                default: failed++; break;
            }
        }
        return new StageResult(number, start, _now, next - first, completed, failed, skipped, placements);
    }
}
