using System.Globalization;
using Consolidator.Inventory;

namespace Consolidator.Simulation;

/// <summary>Block migration in the replay: a VM whose disk sits on local storage (at its source or its
/// destination) first copies the blocks its destination lacks with a <see cref="BlockMirror"/>, which shares the
/// NICs with the other migrations like any transfer; its memory migration starts when the mirror is ready. The
/// images each host's store holds follow the VMs (a CAS store keeps an image while a VM of it runs there).</summary>
internal sealed partial class Replay
{
    private BlockMirror?[] _mirror = [];
    private Dictionary<int, int>[] _imageUsers = [];
    private IReadOnlyList<double> _diskWrite = [];

    /// <summary>Sets up the block copies; a no-op when no VM has a disk.</summary>
    private void InitDisks(IReadOnlyList<double>? diskWriteMibPerSecond)
    {
        if (!_p.Disks.HasDisks || !_p.Hosts.Any(h => h.Storage == StorageKind.Local)) return;
        _mirror = new BlockMirror?[_planned.Length];
        _diskWrite = diskWriteMibPerSecond ?? [];
        _imageUsers = [.. Enumerable.Range(0, _p.HostCount).Select(_ => new Dictionary<int, int>())];
        for (var v = 0; v < _p.VmCount; v++) AddImages(v, _at[v]);
    }

    /// <summary>The block copy migration i runs now, if it has one still copying.</summary>
    private BlockMirror? Copying(int i) => _mirror.Length > 0 && _mirror[i] is { IsDone: false } m ? m : null;

    /// <summary>Starts migration i's block copy when its disk must cross; false when it has none.</summary>
    private bool StartBlockCopy(int i)
    {
        if (_mirror.Length == 0) return false;
        var (v, from, to) = (_planned[i].Move.Vm, _planned[i].Move.From, _planned[i].Move.To);
        var disks = _p.Disks;
        if (disks.AloneMib(v) <= 0 || (_p.Hosts[from].Storage != StorageKind.Local && _p.Hosts[to].Storage != StorageKind.Local)) return false;
        var present = _p.Hosts[to].Storage == StorageKind.Local
            ? _imageUsers[to].Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet()
            : [];
        var whole = disks.AloneMib(v);
        var write = v < _diskWrite.Count ? _diskWrite[v] : 0;
        // To shared storage only the private blocks cross: the images are in the shared library (as the plan's
        // storage summary counts them, Planning/StorageSummary).
        var bulk = _p.Hosts[to].Storage == StorageKind.Local ? disks.SendMib(v, present) : disks.PrivateMib(v);
        _mirror[i] = new BlockMirror(new BlockCopyInputs(bulk, whole, whole, write), _o.Mirror, _o.Transport.StreamCapMibPerSecond);
        if (_mirror[i]!.IsDone) return false;
        JoinTransfer(i);
        return true;
    }

    /// <summary>An event of migration i while its disk copies: at READY the memory migration begins.</summary>
    private void OnBlockCopyEvent(int i)
    {
        Sync(i);
        if (Copying(i) is null) LeaveTransfer(i);
        else Schedule(i);
    }

    /// <summary>A link failure while the disk copies cancels the job: the VM keeps running on its source.</summary>
    private void FailBlockCopy(int i) =>
        Finish(i, MigrationStatus.Aborted, string.Format(CultureInfo.InvariantCulture,
            "link failed at {0:0.###} s during the block copy of its disk; the VM keeps running on its source", _now), 0);

    /// <summary>VM v's images now also serve host h (-1: nowhere).</summary>
    private void AddImages(int v, int h)
    {
        if (_imageUsers.Length == 0 || h < 0 || _p.Disks.ImageOf(v) < 0) return;
        foreach (var image in _p.Disks.Chain(_p.Disks.ImageOf(v)))
            _imageUsers[h][image] = _imageUsers[h].GetValueOrDefault(image) + 1;
    }

    /// <summary>VM v left host h: a store keeps an image only while a VM of it runs there.</summary>
    private void RemoveImages(int v, int h)
    {
        if (_imageUsers.Length == 0 || h < 0 || _p.Disks.ImageOf(v) < 0) return;
        foreach (var image in _p.Disks.Chain(_p.Disks.ImageOf(v)))
            _imageUsers[h][image] = _imageUsers[h].GetValueOrDefault(image) - 1;
    }
}
