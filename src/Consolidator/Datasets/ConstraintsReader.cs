using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Inventory;
using Consolidator.Rules;

namespace Consolidator.Datasets;

/// <summary>Reads the optional constraints.csv of a dataset folder: one placement rule per row,
/// <c>rule,name,vms,hosts,limit</c>, ids separated by ';'. Unknown ids, a missing list or a bad limit are
/// located errors.</summary>
public static class ConstraintsReader
{
    public const string File = "constraints.csv";

    public static ImmutableArray<Rule> Read(string path, IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms) => Read(path, hosts, vms, null);

    internal static ImmutableArray<Rule> Read(string path, IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms, DatasetFolder? folder)
    {
        using var file = DatasetFile.Open(path, folder, "rule", "name", "vms", "hosts", "limit");
        int kind = file.Column("rule"), name = file.Column("name"), vmCol = file.Column("vms"),
            hostCol = file.Column("hosts"), limitCol = file.Column("limit");
        var knownVms = vms.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var knownHosts = hosts.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = ImmutableArray.CreateBuilder<Rule>();
        while (file.Read())
        {
            var ruleName = file.Text(name).Trim();
            if (ruleName.Length == 0) ruleName = $"line {file.Line}";
            // Names are printed in explanations: the same characters as in ids are refused.
            if (Consolidator.Ids.Problem(ruleName, Consolidator.Ids.RuleName) is { } problem) throw file.Error(name, problem, ruleName);
            file.LookAlikeAmongLatin(name, ruleName, "a rule name");
            if (!names.TryAdd(ruleName, file.Line))
                throw file.Error(name, $"duplicate rule name (first on line {names[ruleName]})", ruleName);
            ImmutableArray<string> Ids(int column, HashSet<string> known, string what, bool required, string definedIn)
            {
                var items = file.Text(column).Split(';', StringSplitOptions.TrimEntries);
                // One trailing ';' is a harmless habit; an empty item anywhere else ("web-1;;web-2") is where an id was
                // lost (a cell cleared, a name deleted by hand) and was skipped without a word, as was an id listed twice
                // (often a copy of the line above where the next id was meant).
                if (items.Length > 1 && items[^1].Length == 0) items = items[..^1];
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < items.Length && items is not [""]; i++)
                {
                    if (items[i].Length == 0)
                        throw file.Error(column, $"item {i + 1} of this ';'-separated list is empty (a doubled ';' or one at the start)", file.Text(column));
                    if (!seen.TryAdd(items[i], i + 1))
                        throw file.Error(column, $"{what} id '{Quoted.Value(items[i])}' is listed twice (items {seen[items[i]]} and {i + 1})", file.Text(column));
                }
                var ids = seen.Keys.ToImmutableArray();
                if (required && ids.IsEmpty) throw file.Error(column, $"this rule needs a ';'-separated list of {what} ids", file.Text(column));
                foreach (var id in ids.Where(id => !known.Contains(id)))
                    throw file.Error(column, $"unknown {what} id '{Quoted.Value(id)}'{Consolidator.Ids.UnknownHint(id)}{Consolidator.Ids.CaseHint(id, known, definedIn)}", file.Text(column));
                return ids;
            }
            void NoLimit()
            {
                if (file.Text(limitCol).Trim().Length > 0) throw file.Error(limitCol, "only max-vms rules take a limit", file.Text(limitCol));
            }
            // A list the rule does not read was ignored without a word: "max-vms,web,web-1;web-2,h1,2" (meant: at most two of
            // these VMs per host) capped every VM on h1 at two; "spread,db,db-1;db-2,h1;h2," (meant: over these hosts) spread
            // them anywhere.
            void NoList(int column, string why)
            {
                if (file.Text(column).Trim().Length > 0) throw file.Error(column, why, file.Text(column));
            }
            var text = file.Text(kind).Trim().ToLowerInvariant();
            Rule rule;
            switch (text)
            {
                case "spread" or "gather":
                    var group = Ids(vmCol, knownVms, "VM", required: true, DatasetReader.VmsFile);
                    if (group.Length < 2) throw file.Error(vmCol, $"a {text} rule needs at least two VMs", file.Text(vmCol));
                    NoList(hostCol, $"a {text} rule takes no hosts: it keeps its VMs {(text == "spread" ? "on distinct hosts" : "on one host")} wherever that is (add a pin rule to keep them on some hosts)");
                    NoLimit();
                    rule = text == "spread" ? new Spread(ruleName, group) : new Gather(ruleName, group);
                    break;
                case "pin" or "ban":
                    var who = Ids(vmCol, knownVms, "VM", required: true, DatasetReader.VmsFile);
                    var where = Ids(hostCol, knownHosts, "host", required: true, DatasetReader.HostsFile);
                    NoLimit();
                    rule = text == "pin" ? new Pin(ruleName, who, where) : new Ban(ruleName, who, where);
                    break;
                case "drain":
                    NoList(vmCol, "a drain rule takes no VMs: it empties its hosts of every VM (add a ban rule to keep some VMs off some hosts)");
                    rule = new Drain(ruleName, Ids(hostCol, knownHosts, "host", required: true, DatasetReader.HostsFile));
                    NoLimit();
                    break;
                case "max-vms":
                    if (!int.TryParse(file.Text(limitCol).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
                        throw file.Error(limitCol, "max-vms needs a whole number of VMs >= 1 in 'limit'", file.Text(limitCol));
                    NoList(vmCol, "a max-vms rule takes no VMs: its limit counts every VM on each of its hosts");
                    rule = new MaxVmsPerHost(ruleName, Ids(hostCol, knownHosts, "host", required: false, DatasetReader.HostsFile), limit);
                    break;
                case "failover":
                    NoLimit();
                    NoList(vmCol, "a failover rule takes no VMs: its reserve covers every VM on its hosts");
                    var cluster = Ids(hostCol, knownHosts, "host", required: false, DatasetReader.HostsFile);
                    if (cluster.Length == 1) throw file.Error(hostCol, "a failover cluster needs at least two hosts", file.Text(hostCol));
                    rule = new FailoverReserve(ruleName, cluster);
                    break;
                default:
                    throw file.Error(kind, "unknown rule: use spread, gather, pin, ban, drain, max-vms or failover", file.Text(kind));
            }
            rules.Add(rule);
        }
        return rules.ToImmutable();
    }
}
