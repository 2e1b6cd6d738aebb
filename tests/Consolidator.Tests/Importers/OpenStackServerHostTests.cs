using Consolidator.Importers.OpenStack;
using Consolidator.Inventory;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Importers;

/// <summary>How a server's Host (Nova's compute service name) is matched to a hypervisor of the inventory.</summary>
public class OpenStackServerHostTests
{
    private static Host H(string id) => new(id, 16, 65536, 100, 300);

    private static string Servers(TempDirectory tmp, string host)
    {
        var path = tmp.File("servers.json");
        File.WriteAllText(path, $$"""[{"ID":"vm-1","Status":"ACTIVE","Host":"{{host}}"},{"ID":"vm-2","Status":"ACTIVE","Host":"c9"}]""");
        return path;
    }

    /// <summary>A whole name wins over a short one, whatever the order: "c1.example" listed before "c1" took the server
    /// on "c1".</summary>
    [Theory]
    [InlineData("c1", "c1")]
    [InlineData("C1", "c1")]
    [InlineData("c1.example", "c1.example")]
    [InlineData("c1.other", "c1")]
    public void A_whole_name_is_matched_before_a_short_one(string host, string expected)
    {
        using var tmp = new TempDirectory();
        var (vms, _) = OpenStackInventory.ReadServers(Servers(tmp, host), [H("c1.example"), H("c1"), H("c9.example")]);
        Assert.Equal(expected, vms[0].CurrentHost);
        Assert.Equal("c9.example", vms[1].CurrentHost); // a short name one hypervisor alone has
    }

    /// <summary>Two hypervisors with one short name: the first listed took every server on it, a wrong current placement
    /// without a word. Now refused at the server's entry, naming both.</summary>
    [Fact]
    public void A_short_name_two_hypervisors_share_is_refused_at_the_server()
    {
        using var tmp = new TempDirectory();
        var path = Servers(tmp, "c1");

        var e = Assert.Throws<InputException>(() => OpenStackInventory.ReadServers(path, [H("c1.rack1.example"), H("c1.rack2.example"), H("c9")]));

        Assert.Equal(path, e.File);
        Assert.Contains("entry 1, 'Host': matches 2 hypervisors by its short name 'c1' ('c1.rack1.example', 'c1.rack2.example')", e.Message);
    }
}
