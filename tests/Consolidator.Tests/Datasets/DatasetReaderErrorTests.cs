using Consolidator.Datasets;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Datasets;

public class DatasetReaderErrorTests
{
    private const string HostsHeader = "host_id,cpu_cores,memory_mib,idle_watts,max_watts\n";
    private const string VmsHeader = "vm_id,vcpus,memory_mib,current_host\n";
    private const string UsageHeader = "timestamp,vm_id,cpu_cores,memory_mib\n";

    [Theory]
    [InlineData("hosts.csv")]
    [InlineData("vms.csv")]
    [InlineData("usage.csv")]
    public void Missing_file(string name)
    {
        using var data = DatasetFixture.Create();
        File.Delete(data.PathOf(name));
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), 0, null, 0, null);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Missing_folder()
    {
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(Path.Combine(Path.GetTempPath(), "no-such-dataset-" + Guid.NewGuid())));
        Assert.Equal(0, e.Line);
        Assert.Contains("not found", e.Message);
    }

    [Theory]
    [InlineData("hosts.csv")]
    [InlineData("vms.csv")]
    [InlineData("usage.csv")]
    public void Empty_file(string name)
    {
        using var data = Create(name, "");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), 1, null, 0, null);
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData("hosts.csv", "host_id,cpu_cores,memory_mib,idle_watts\nh1,16,65536,100\n", "max_watts")]
    [InlineData("vms.csv", "vm_id,vcpus,memory_mib\nvm1,2,4096\n", "current_host")]
    [InlineData("usage.csv", "time,vm_id,cpu_cores,memory_mib\n2026-01-05T00:00:00Z,vm1,1,1\n", "timestamp")]
    public void Required_column_missing(string name, string text, string column)
    {
        using var data = Create(name, text);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), 1, column, 0, null);
        Assert.Contains("missing", e.Problem);
        Assert.Contains(text[..text.IndexOf('\n')].Replace(",", ", "), e.Problem); // the columns found
    }

    [Fact]
    public void Required_column_twice()
    {
        using var data = Create("vms.csv", "vm_id,vcpus,memory_mib,current_host,VM_ID\nvm1,2,4096,h1,x\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 1, "vm_id", 5, "VM_ID");
    }

    [Theory]
    [InlineData("h1,abc,65536,100,250", "cpu_cores", 2, "abc")]
    [InlineData("h1,\"1,5\",65536,100,250", "cpu_cores", 2, "1,5")]
    [InlineData("h1,,65536,100,250", "cpu_cores", 2, "")]
    [InlineData("h1,-4,65536,100,250", "cpu_cores", 2, "-4")]
    [InlineData("h1,0,65536,100,250", "cpu_cores", 2, "0")]
    [InlineData("h1,NaN,65536,100,250", "cpu_cores", 2, "NaN")]
    [InlineData("h1,16,Infinity,100,250", "memory_mib", 3, "Infinity")]
    [InlineData("h1,16,0,100,250", "memory_mib", 3, "0")]
    [InlineData("h1,16,65536,-Infinity,250", "idle_watts", 4, "-Infinity")]
    [InlineData("h1,16,65536,-1,250", "idle_watts", 4, "-1")]
    [InlineData("h1,16,65536,100,∞", "max_watts", 5, "∞")]
    [InlineData("h1,16,65536,100,1e400", "max_watts", 5, "1e400")]
    [InlineData("h1,16,65536,300,250", "max_watts", 5, "250")]
    public void Bad_host_number(string row, string column, int columnNumber, string value)
    {
        using var data = Create("hosts.csv", HostsHeader + "h0,8,1024,50,60\n" + row + "\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("hosts.csv"), 3, column, columnNumber, value);
    }

    [Theory]
    [InlineData("vm1,0,4096,h1", "vcpus", 2, "0")]
    [InlineData("vm1,NaN,4096,h1", "vcpus", 2, "NaN")]
    [InlineData("vm1,2,x,h1", "memory_mib", 3, "x")]
    [InlineData("vm1,2,0,h1", "memory_mib", 3, "0")]
    public void Bad_vm_number(string row, string column, int columnNumber, string value)
    {
        using var data = Create("vms.csv", VmsHeader + row + "\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 2, column, columnNumber, value);
    }

    [Theory]
    [InlineData("2026-01-05T00:00:00Z,vm1,-1,2048", "cpu_cores", 3, "-1")]
    [InlineData("2026-01-05T00:00:00Z,vm1,abc,2048", "cpu_cores", 3, "abc")]
    [InlineData("2026-01-05T00:00:00Z,vm1,Infinity,2048", "cpu_cores", 3, "Infinity")]
    [InlineData("2026-01-05T00:00:00Z,vm1,1,NaN", "memory_mib", 4, "NaN")]
    [InlineData("2026-01-05T00:00:00Z,vm1,1,1e39", "memory_mib", 4, "1e39")]
    [InlineData("2026-01-05T00:00:00Z,vm1,2000001,2048", "cpu_cores", 3, "2000001")]
    [InlineData("2026-13-05T00:00:00Z,vm1,1,2048", "timestamp", 1, "2026-13-05T00:00:00Z")]
    [InlineData("yesterday,vm1,1,2048", "timestamp", 1, "yesterday")]
    [InlineData("05/01/2026 00:00,vm1,1,2048", "timestamp", 1, "05/01/2026 00:00")]
    [InlineData(",vm1,1,2048", "timestamp", 1, "")]
    [InlineData("2026-01-05T00:00:00Z,vm9,1,2048", "vm_id", 2, "vm9")]
    [InlineData("2026-01-05T00:00:00Z,,1,2048", "vm_id", 2, "")]
    public void Bad_usage_row(string row, string column, int columnNumber, string value)
    {
        using var data = Create("usage.csv", UsageHeader + "2026-01-05T00:00:00Z,vm1,0,0\n" + row + "\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("usage.csv"), 3, column, columnNumber, value);
    }

    [Theory]
    [InlineData("hosts.csv", HostsHeader + "h1,16,65536\n", "idle_watts", 4)]
    [InlineData("vms.csv", VmsHeader + "vm1,2,4096\n", "current_host", 4)]
    [InlineData("usage.csv", UsageHeader + "2026-01-05T00:00:00Z,vm1\n", "cpu_cores", 3)]
    public void Row_with_fewer_fields_than_the_header(string name, string text, string column, int columnNumber)
    {
        using var data = Create(name, text);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), 2, column, columnNumber, null);
    }

    [Fact]
    public void Row_with_a_non_empty_extra_field()
    {
        using var data = Create("usage.csv", UsageHeader + "2026-01-05T00:00:00Z,vm1,1,5,2048\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("usage.csv"), 2, null, 0, "2048");
    }

    [Theory]
    [InlineData("hosts.csv", HostsHeader + "h1,16,65536,100,250\n ,16,65536,100,250\n", 3, "host_id", 1)]
    [InlineData("vms.csv", VmsHeader + "\"\",2,4096,h1\n", 2, "vm_id", 1)]
    public void Empty_id(string name, string text, int line, string column, int columnNumber)
    {
        using var data = Create(name, text);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), line, column, columnNumber, "");
        Assert.Contains("empty", e.Problem);
    }

    [Fact]
    public void Duplicate_host_id()
    {
        using var data = Create("hosts.csv", HostsHeader + "h1,16,65536,100,250\nh2,16,65536,100,250\nh1,8,1024,10,20\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("hosts.csv"), 4, "host_id", 1, "h1");
        Assert.Contains("line 2", e.Problem);
    }

    [Fact]
    public void Host_ids_that_differ_only_in_case_are_refused_as_one_machine_named_twice()
    {
        // "H1" and "h1" were accepted; a host name is case-insensitive, so libvirt and OpenStack see one machine.
        using var data = Create("hosts.csv", HostsHeader + "H1,16,65536,100,250\nh2,16,65536,100,250\nh1,8,1024,10,20\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("hosts.csv"), 4, "host_id", 1, "h1");
        Assert.Contains("differs only in case from 'H1' on line 2", e.Problem);
        Assert.Contains(e.Problem, e.Message);
    }

    [Fact]
    public void Duplicate_vm_id()
    {
        using var data = Create("vms.csv", "current_host,vm_id,vcpus,memory_mib\nh1,vm1,2,4096\nh1,vm2,2,4096\nh2,vm2,2,4096\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 4, "vm_id", 2, "vm2");
        Assert.Contains("line 3", e.Problem);
    }

    [Fact]
    public void Current_host_unknown()
    {
        using var data = Create("vms.csv", VmsHeader + "vm1,2,4096,h1\nvm2,2,4096,h9\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 3, "current_host", 4, "h9");
    }

    [Fact]
    public void Vm_without_usage_rows()
    {
        var usage = string.Concat(DatasetFixture.Usage.Split('\n').Where(l => !l.Contains("vm2")).Select(l => l + "\n"));
        using var data = DatasetFixture.Create(usage: usage);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 3, "vm_id", 1, "vm2");
        Assert.Equal("VM has no usage rows in usage.csv", e.Problem);
    }

    [Theory]
    [InlineData("hosts.csv", HostsHeader, "no hosts")]
    [InlineData("vms.csv", VmsHeader, "no VMs")]
    [InlineData("usage.csv", UsageHeader, "no samples")]          // was blamed on vms.csv's first VM
    public void Header_without_rows(string name, string text, string problem)
    {
        using var data = Create(name, text);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), 2, null, 0, null);
        Assert.Contains(problem, e.Problem);
    }

    /// <summary>A VM whose id reads as a host's ("сор-1" in Cyrillic letters, host "cop-1" in Latin): each column held
    /// ids of one script, so neither was refused, and the plan and the scripts showed a VM and a host alike.</summary>
    [Theory]
    [InlineData("\u0441\u043e\u0440-", "cop-")]     // Cyrillic VMs, Latin hosts
    [InlineData("cop-", "\u0441\u043e\u0440-")]     // Latin VMs, Cyrillic hosts
    [InlineData("\u0421\u041e\u0420-", "COP-")]     // upper case
    public void A_vm_id_that_reads_as_a_host_id_is_refused_naming_the_host(string vmStem, string hostStem)
    {
        using var data = Fleet(vmStem, hostStem);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("vms.csv"), 2, "vm_id", 1, vmStem + "1");
        Assert.StartsWith($"the VM reads the same as host '{hostStem}1' of hosts.csv but is a different id", e.Problem);
    }

    [Fact]
    public void A_cyrillic_vm_fleet_on_latin_hosts_that_read_differently_is_read() =>
        Assert.Equal("\u0441\u043e\u0440-1", DatasetReader.Read(Fleet("\u0441\u043e\u0440-", "h").Directory).Vms[0].Id);

    /// <summary>VMs stem1..stem3 on hosts stem1 and stem2.</summary>
    private static DatasetFixture Fleet(string vmStem, string hostStem) => DatasetFixture.Create(
        hosts: DatasetFixture.Hosts.Replace("h1,", hostStem + "1,").Replace("h2,", hostStem + "2,"),
        vms: DatasetFixture.Vms.Replace(",h1", "," + hostStem + "1").Replace(",h2", "," + hostStem + "2").Replace("\nvm", "\n" + vmStem),
        usage: DatasetFixture.Usage.Replace("Z,vm", "Z," + vmStem));

    /// <summary>An id starting with '-' ("--undefinesource", a VM named as virsh's option) was read, planned and simulated;
    /// only `export` refused it, pointing at simulation.json. Refused where it is defined, at its line and column.</summary>
    [Theory]
    [InlineData("vms.csv", "vm1,", "--undefinesource,", 2, "vm_id", "--undefinesource")]
    [InlineData("hosts.csv", "h2,", "-h2,", 3, "host_id", "-h2")]
    public void An_id_starting_with_a_dash_is_refused_where_it_is_defined(string name, string from, string to, int line, string column, string id)
    {
        using var data = name == "vms.csv"
            ? DatasetFixture.Create(vms: DatasetFixture.Vms.Replace(from, to), usage: DatasetFixture.Usage.Replace("," + from, "," + to))
            : DatasetFixture.Create(hosts: DatasetFixture.Hosts.Replace(from, to), vms: DatasetFixture.Vms.Replace(",h2", ",-h2"));
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf(name), line, column, 1, id);
        Assert.StartsWith("an id must not start with '-'", e.Problem);
    }

    [Fact]
    public void A_rule_name_may_start_with_a_dash() =>
        Assert.Null(Consolidator.Ids.Problem("-spread-web", Consolidator.Ids.RuleName));

    [Fact]
    public void Unclosed_quote_is_reported_on_its_line()
    {
        using var data = Create("vms.csv", VmsHeader + "vm1,2,4096,h1\n\"vm2,2,4096,h1\nvm3,8,16384,h2\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        // The column the quote opens in, found again from the file (CsvHelper names the line and a byte offset only).
        AssertLocated(e, data.PathOf("vms.csv"), 3, "vm_id", 1, null);
        Assert.Contains("quote", e.Problem);
    }

    [Fact]
    public void Line_numbers_count_physical_lines_with_bom_crlf_blank_lines_and_quoted_line_breaks()
    {
        var usage = "\uFEFF" + string.Join("\r\n",
            "timestamp,vm_id,cpu_cores,memory_mib,note",
            "2026-01-05T00:00:00Z,vm1,1,2048,\"two",
            "lines\"",
            "",
            "2026-01-05T00:15:00Z,vm1,x,2048,") + "\r\n";
        using var data = Create("usage.csv", usage);
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("usage.csv"), 5, "cpu_cores", 3, "x");
    }

    [Fact]
    public void Two_samples_of_one_vm_at_one_instant_with_other_values_name_both_lines()
    {
        // vm1's samples out of order, so the sort is involved: the conflict is between lines 3 and 5.
        using var data = Create("usage.csv", UsageHeader +
            "2026-01-05T00:05:00Z,vm1,1,2048\n" +
            "2026-01-05T00:00:00Z,vm1,1,2048\n" +
            "2026-01-05T00:00:00Z,vm2,3,2048\n" +
            "2026-01-05T00:00:00Z,vm1,2,2048\n" +
            "2026-01-05T00:00:00Z,vm3,3,2048\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        AssertLocated(e, data.PathOf("usage.csv"), 5, "timestamp", 1, "2026-01-05T00:00:00Z");
        Assert.Contains("line 3", e.Problem);
        Assert.Contains("vm1", e.Problem);
    }

    [Fact]
    public void A_sample_repeated_exactly_is_read_once()
    {
        using var data = Create("usage.csv", UsageHeader +
            "2026-01-05T00:00:00Z,vm1,1,2048\n" +
            "2026-01-05T00:05:00Z,vm1,2,2048\n" +
            "2026-01-05T00:00:00Z,vm1,1,2048\n" +
            "2026-01-05T00:00:00Z,vm2,1,2048\n" +
            "2026-01-05T00:00:00Z,vm3,1,2048\n");
        var dataset = DatasetReader.Read(data.Directory);
        var vm1 = dataset.Usage[dataset.Vms.IndexOf(dataset.Vms.Single(v => v.Id == "vm1"))];
        Assert.Equal(2, vm1.Count);
        Assert.Equal([1.0, 2.0], vm1.CpuCores.Select(c => (double)c));
    }

    private static DatasetFixture Create(string name, string text) => name switch
    {
        "hosts.csv" => DatasetFixture.Create(hosts: text),
        "vms.csv" => DatasetFixture.Create(vms: text),
        _ => DatasetFixture.Create(usage: text),
    };

    private static void AssertLocated(InputException e, string file, int line, string? column, int columnNumber, string? value)
    {
        Assert.Equal(file, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Equal(columnNumber, e.ColumnNumber);
        Assert.Equal(value, e.Value);
        Assert.StartsWith(line > 0 ? $"{file}:{line}" : file, e.Message);
        if (column is not null)
            Assert.Contains(columnNumber > 0 ? $"column {columnNumber} '{column}'" : $", column '{column}': ", e.Message);
        if (value is not null) Assert.Contains($"'{value}'", e.Message);
        Assert.Contains(e.Problem, e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
    }
}
