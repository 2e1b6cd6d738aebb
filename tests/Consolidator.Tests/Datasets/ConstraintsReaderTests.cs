using Consolidator.Datasets;
using Consolidator.Rules;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Datasets;

public class ConstraintsReaderTests
{
    private static DatasetFixture With(string constraints)
    {
        var data = DatasetFixture.Create();
        File.WriteAllText(data.PathOf(ConstraintsReader.File), constraints);
        return data;
    }

    [Fact]
    public void Reads_every_rule_kind()
    {
        using var data = With("""
            rule,name,vms,hosts,limit
            spread,replicas,vm1;vm2,,
            gather,app,vm2;vm3,,
            pin,licence,vm1,h2,
            ban,noisy,vm3,h1,
            drain,maintenance,,h1,
            max-vms,cap,,,4
            failover,n+1,,h1;h2,
            """);

        var rules = DatasetReader.Read(data.Directory).Rules;

        Assert.Equal(["spread", "gather", "pin", "ban", "drain", "max-vms", "failover"], rules.Select(r => r.Kind));
        Assert.Equal(new[] { "vm1", "vm2" }, ((Spread)rules[0]).Vms.ToArray());
        Assert.Equal(4, ((MaxVmsPerHost)rules[5]).Limit);
        Assert.Empty(((MaxVmsPerHost)rules[5]).Hosts);
    }

    [Fact]
    public void One_trailing_separator_is_allowed()
    {
        using var data = With("rule,name,vms,hosts,limit\nspread,a,vm1;vm2;,,\nfailover,b,,h1; h2 ;,\n");
        var rules = DatasetReader.Read(data.Directory).Rules;
        Assert.Equal(new[] { "vm1", "vm2" }, ((Spread)rules[0]).Vms.ToArray());
        Assert.Equal(2, ((FailoverReserve)rules[1]).Hosts.Length);
    }

    [Fact]
    public void A_dataset_without_constraints_has_no_rules() =>
        Assert.Empty(DatasetReader.Read(DatasetFixture.Create().Directory).Rules);

    [Theory]
    [InlineData("spread,a,vm1;vm9,,", "vms", 3, "unknown VM id 'vm9'")]
    [InlineData("pin,a,vm1,,", "hosts", 4, "needs a ';'-separated list of host ids")]
    [InlineData("max-vms,a,,,zero", "limit", 5, "whole number")]
    [InlineData("affinity,a,vm1;vm2,,", "rule", 1, "unknown rule")]
    [InlineData("gather,a,vm1,,", "vms", 3, "at least two VMs")]
    [InlineData("drain,a,,h1,3", "limit", 5, "only max-vms rules take a limit")]
    // A list the rule does not read was ignored without a word (hostile pass).
    [InlineData("max-vms,a,vm1;vm2,h1,2", "vms", 3, "a max-vms rule takes no VMs: its limit counts every VM on each of its hosts")]
    [InlineData("spread,a,vm1;vm2,h1;h2,", "hosts", 4, "a spread rule takes no hosts: it keeps its VMs on distinct hosts wherever that is (add a pin rule to keep them on some hosts)")]
    [InlineData("gather,a,vm1;vm2,h1,", "hosts", 4, "a gather rule takes no hosts")]
    [InlineData("drain,a,vm1,h1,", "vms", 3, "a drain rule takes no VMs")]
    [InlineData("failover,a,vm1,,", "vms", 3, "a failover rule takes no VMs")]
    // An empty item (a lost id) and an id listed twice were skipped without a word (hostile pass).
    [InlineData("spread,a,vm1;;vm2,,", "vms", 3, "item 2 of this ';'-separated list is empty")]
    [InlineData("spread,a,;vm1;vm2,,", "vms", 3, "item 1 of this ';'-separated list is empty")]
    [InlineData("pin,a,vm1,h1;;,", "hosts", 4, "item 2 of this ';'-separated list is empty")]
    [InlineData("spread,a,vm1;vm2;vm1,,", "vms", 3, "VM id 'vm1' is listed twice (items 1 and 3)")]
    public void Bad_rules_are_located(string row, string column, int columnNumber, string problem)
    {
        using var data = With("rule,name,vms,hosts,limit\n" + row + "\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal(data.PathOf(ConstraintsReader.File), e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Equal(columnNumber, e.ColumnNumber);
        Assert.Contains(problem, e.Message);
    }
}
