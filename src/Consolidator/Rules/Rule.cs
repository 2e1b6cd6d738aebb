using System.Collections.Immutable;

namespace Consolidator.Rules;

/// <summary>A placement rule an operator sets in constraints.csv, by VM and host ids. Every rule holds for
/// the final placement; pin, ban and drain also hold for every relay host a VM parks on during the plan.</summary>
public abstract record Rule(string Name)
{
    /// <summary>The word constraints.csv uses for this kind of rule.</summary>
    public abstract string Kind { get; }
}

/// <summary>Anti-affinity: no two of these VMs on one host (e.g. database replicas).</summary>
public sealed record Spread(string Name, ImmutableArray<string> Vms) : Rule(Name)
{
    public override string Kind => "spread";
}

/// <summary>Affinity: all these VMs on one host (e.g. an application and its cache).</summary>
public sealed record Gather(string Name, ImmutableArray<string> Vms) : Rule(Name)
{
    public override string Kind => "gather";
}

/// <summary>These VMs only on the listed hosts (e.g. a licence bound to those hosts).</summary>
public sealed record Pin(string Name, ImmutableArray<string> Vms, ImmutableArray<string> Hosts) : Rule(Name)
{
    public override string Kind => "pin";
}

/// <summary>These VMs never on the listed hosts.</summary>
public sealed record Ban(string Name, ImmutableArray<string> Vms, ImmutableArray<string> Hosts) : Rule(Name)
{
    public override string Kind => "ban";
}

/// <summary>These hosts go to maintenance or are retired: they must end empty.</summary>
public sealed record Drain(string Name, ImmutableArray<string> Hosts) : Rule(Name)
{
    public override string Kind => "drain";
}

/// <summary>At most <see cref="Limit"/> VMs on each listed host (every host when the list is empty).</summary>
public sealed record MaxVmsPerHost(string Name, ImmutableArray<string> Hosts, int Limit) : Rule(Name)
{
    public override string Kind => "max-vms";
}

/// <summary>N+1 reserve over a cluster (the listed hosts, or every host when empty): if any one active
/// host of the cluster fails, the spare physical capacity of the cluster's other active hosts can take all
/// its VMs' demand, for every resource and window (a fluid check, as capacity planners do it).</summary>
public sealed record FailoverReserve(string Name, ImmutableArray<string> Hosts) : Rule(Name)
{
    public override string Kind => "failover";
}
