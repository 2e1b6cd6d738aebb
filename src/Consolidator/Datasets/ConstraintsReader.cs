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

    public static ImmutableArray<Rule> Read(string path, IReadOnlyList<Host> hosts, IReadOnlyList<Vm> vms)
    {
        using var file = DatasetFile.Open(path, "rule", "name", "vms", "hosts", "limit");
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
            if (Consolidator.Ids.Problem(ruleName, "a rule name") is { } problem) throw file.Error(name, problem, ruleName);
            if (!names.TryAdd(ruleName, file.Line))
                throw file.Error(name, $"duplicate rule name (first on line {names[ruleName]})", ruleName);
            ImmutableArray<string> Ids(int column, HashSet<string> known, string what, bool required)
            {
                var ids = file.Text(column).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToImmutableArray();
                if (required && ids.IsEmpty) throw file.Error(column, $"this rule needs a ';'-separated list of {what} ids", file.Text(column));
                foreach (var id in ids.Where(id => !known.Contains(id)))
                    throw file.Error(column, $"unknown {what} id '{Quoted.Value(id)}'", file.Text(column));
                return ids;
            }
            void NoLimit()
            {
                if (file.Text(limitCol).Trim().Length > 0) throw file.Error(limitCol, "only max-vms rules take a limit", file.Text(limitCol));
            }
            var text = file.Text(kind).Trim().ToLowerInvariant();
            Rule rule;
            switch (text)
            {
                case "spread" or "gather":
                    var group = Ids(vmCol, knownVms, "VM", required: true);
                    if (group.Length < 2) throw file.Error(vmCol, $"a {text} rule needs at least two VMs", file.Text(vmCol));
                    NoLimit();
                    rule = text == "spread" ? new Spread(ruleName, group) : new Gather(ruleName, group);
                    break;
                case "pin" or "ban":
                    var who = Ids(vmCol, knownVms, "VM", required: true);
                    var where = Ids(hostCol, knownHosts, "host", required: true);
                    NoLimit();
                    rule = text == "pin" ? new Pin(ruleName, who, where) : new Ban(ruleName, who, where);
                    break;
                case "drain":
                    rule = new Drain(ruleName, Ids(hostCol, knownHosts, "host", required: true));
                    NoLimit();
                    break;
                case "max-vms":
                    if (!int.TryParse(file.Text(limitCol).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
                        throw file.Error(limitCol, "max-vms needs a whole number of VMs >= 1 in 'limit'", file.Text(limitCol));
                    rule = new MaxVmsPerHost(ruleName, Ids(hostCol, knownHosts, "host", required: false), limit);
                    break;
                case "failover":
                    NoLimit();
                    var cluster = Ids(hostCol, knownHosts, "host", required: false);
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
