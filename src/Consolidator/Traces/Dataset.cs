using System.Collections.Immutable;
using Consolidator.Inventory;
using Consolidator.Rules;
using Consolidator.Storage;

namespace Consolidator.Traces;

/// <summary>Everything a dataset folder holds, parsed: the inventory and one usage series per VM
/// (same order as <see cref="Vms"/>). Host and VM ids are unique; every current host is known.</summary>
public sealed record Dataset(string Name, ImmutableArray<Host> Hosts, ImmutableArray<Vm> Vms, ImmutableArray<VmSeries> Usage)
{
    /// <summary>The placement rules of the optional constraints.csv.</summary>
    public ImmutableArray<Rule> Rules { get; init; } = [];

    /// <summary>The disk images of the optional images.csv; every VM's image_id is one of them.</summary>
    public ImmutableArray<Image> Images { get; init; } = [];

    /// <summary>"sha256:" and the hex digest of the files the dataset was read from, when the reader was asked for it
    /// (<see cref="Datasets.DatasetReader.Read(string, bool)"/>): plan.json records it, so that `export` can tell
    /// the dataset it checks a plan against is the one the plan was made from. Null otherwise.</summary>
    public string? Fingerprint { get; init; }

    public int HostIndex(string id)
    {
        for (var i = 0; i < Hosts.Length; i++)
            if (Hosts[i].Id == id) return i;
        return -1;
    }
}
