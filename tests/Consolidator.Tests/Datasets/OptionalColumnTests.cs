using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Datasets;

/// <summary>hosts.csv's nic_gbps and vms.csv's dirty_rate_mib_s: optional, per row or for the whole file.</summary>
public class OptionalColumnTests
{
    private const string Hosts = "host_id,cpu_cores,memory_mib,idle_watts,max_watts,NIC_Gbps\nh1,16,65536,100,250,25\nh2,32,131072,120,400,\n";
    private const string Vms = "vm_id,vcpus,memory_mib,current_host,dirty_rate_mib_s\nvm1,2,4096,h1,12.5\nvm2,4,8192,h1,\nvm3,8,16384,h2,0\n";

    [Fact]
    public void Reads_the_columns_when_present_and_leaves_empty_fields_unknown()
    {
        using var data = DatasetFixture.Create(hosts: Hosts, vms: Vms);
        var dataset = DatasetReader.Read(data.Directory);

        Assert.Equal([25.0, null], dataset.Hosts.Select(h => h.NicGbps));
        Assert.Equal([12.5, null, 0.0], dataset.Vms.Select(v => v.DirtyRateMibPerSecond));
    }

    [Fact]
    public void Without_the_columns_nothing_is_known()
    {
        using var data = DatasetFixture.Create();
        var dataset = DatasetReader.Read(data.Directory);

        Assert.All(dataset.Hosts, h => Assert.Null(h.NicGbps));
        Assert.All(dataset.Vms, v => Assert.Null(v.DirtyRateMibPerSecond));
    }

    [Theory]
    [InlineData("hosts.csv", "h1,16,65536,100,250,25", "h1,16,65536,100,250,0", "hosts.csv:2, column 6 'nic_gbps'", "must be greater than zero")]
    [InlineData("hosts.csv", "h1,16,65536,100,250,25", "h1,16,65536,100,250,fast", "hosts.csv:2, column 6 'nic_gbps'", "'fast'")]
    // 1e300 Gbit/s was taken (exit code 0): every migration took no time.
    [InlineData("hosts.csv", "h1,16,65536,100,250,25", "h1,16,65536,100,250,1e300", "hosts.csv:2, column 6 'nic_gbps'", "too large: at most 1000 (1 Tbit/s")]
    // Reached the simulator, whose "would take 1.25E+03 years" error named the VM and hosts but not the file's line.
    [InlineData("hosts.csv", "h1,16,65536,100,250,25", "h1,16,65536,100,250,1e-9", "hosts.csv:2, column 6 'nic_gbps'", "too small: at least 0.001 (1 Mbit/s: nic_gbps is in Gbit/s")]
    [InlineData("vms.csv", "vm1,2,4096,h1,12.5", "vm1,2,4096,h1,-3", "vms.csv:2, column 5 'dirty_rate_mib_s'", "'-3'")]
    public void A_bad_value_is_located(string file, string good, string bad, string where, string what)
    {
        using var data = DatasetFixture.Create(
            hosts: file == "hosts.csv" ? Hosts.Replace(good, bad) : Hosts, vms: file == "vms.csv" ? Vms.Replace(good, bad) : Vms);

        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));

        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    /// <summary>The near-miss rule (<see cref="DatasetFile.NearMiss"/>) on names a file may hold beside the optional column
    /// it lacks: a near miss is refused, since its values would be left unread; a name of its own is ignored as before.
    /// Three or four letters must be a whole word of the longer name: 'nice' is not 'nic', 'hotel' not 'hot'.</summary>
    [Theory]
    [InlineData("QoS-Class", "qos", true)]
    [InlineData("qos_class", "qos", true)]
    [InlineData("QoSClass", "qos", true)]
    [InlineData("QosTier", "qos", true)]
    [InlineData("wss", "wss_mib", true)]
    [InlineData("WSS (MiB)", "wss_mib", true)]
    [InlineData("nic", "nic_gbps", true)]
    [InlineData("hot", "hot_dirty_mib_s", true)]
    [InlineData("disk", "disk_gib", true)]
    [InlineData("nic_gpbs", "nic_gbps", true)]
    [InlineData("dirty_rate", "dirty_rate_mib_s", true)]
    [InlineData("Parent_ID", "parent", true)]
    [InlineData("nice", "nic_gbps", false)]
    [InlineData("hotel", "hot_dirty_mib_s", false)]
    [InlineData("disks", "disk_gib", false)]
    [InlineData("qosmos", "qos", false)]
    // One case, no separator: the word's end cannot be seen, so a kind word after a one-word name, or a unit after the
    // first word of a name that goes on with one, is what reads it as a near miss (these three were the file's own columns).
    [InlineData("QOSCLASS", "qos", true)]
    [InlineData("qosclass", "qos", true)]
    [InlineData("NICGbit", "nic_gbps", true)]
    [InlineData("nicmbps", "nic_gbps", true)]
    [InlineData("wssmb", "wss_mib", true)]
    [InlineData("disktype", "disk_gib", false)]
    [InlineData("disk_type", "disk_gib", false)]
    [InlineData("nicname", "nic_gbps", false)]
    [InlineData("qosmb", "qos", false)]
    [InlineData("image_type", "image_id", false)]
    [InlineData("wssid", "wss_mib", false)]
    [InlineData("rack", "storage", false)]
    [InlineData("notes", "nic_gbps", false)]
    [InlineData("os", "qos", false)]
    [InlineData("power_state", "power_table", false)]
    [InlineData("disk_model", "disk_gib", false)]
    [InlineData("image_name", "image_id", false)]
    public void A_near_miss_of_an_optional_column_is_told_from_a_column_of_its_own(string name, string known, bool near) =>
        Assert.Equal(near, DatasetFile.NearMiss(name, known));

    [Fact]
    public void The_writer_adds_a_column_only_when_some_row_has_a_value_and_the_reader_reads_it_back()
    {
        using var data = DatasetFixture.Create(hosts: Hosts, vms: Vms);
        var dataset = DatasetReader.Read(data.Directory);
        using var tmp = new TempDirectory();

        DatasetWriter.Write(dataset, tmp.Path);
        var again = DatasetReader.Read(tmp.Path);

        Assert.Equal("host_id,cpu_cores,memory_mib,idle_watts,max_watts,nic_gbps", File.ReadLines(tmp.File("hosts.csv")).First());
        Assert.Equal("vm2,4,8192,h1,", File.ReadAllLines(tmp.File("vms.csv"))[2]);
        Assert.Equal<Host>(dataset.Hosts, again.Hosts);
        Assert.Equal<Vm>(dataset.Vms, again.Vms);

        var plain = dataset with { Hosts = [.. dataset.Hosts.Select(h => h with { NicGbps = null })] };
        DatasetWriter.Write(plain, tmp.Path);
        Assert.Equal("host_id,cpu_cores,memory_mib,idle_watts,max_watts", File.ReadLines(tmp.File("hosts.csv")).First());
    }
}
