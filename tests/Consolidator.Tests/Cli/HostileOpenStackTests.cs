using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>An OpenStack inventory (`openstack hypervisor list --long -f json`) that the dataset reader would refuse
/// once written (an id with control or invisible characters or bordering whitespace, a size of 1e400 or beyond the
/// planner's 32-bit units), or that is a folder, is one located line and exit 2, before the server is asked.</summary>
public class HostileOpenStackTests
{
    public static TheoryData<string, string> OpenStackHypervisors => new()
    {
        // vCPUs 1e400 read as infinity and went on to hosts.csv, which the dataset reader refuses.
        { """[{"Hypervisor Hostname":"h1","vCPUs":1e400,"Memory MB":1000,"State":"up"}]""", "'vCPUs': must be a positive number" },
        { """[{"Hypervisor Hostname":"h1","vCPUs":1e300,"Memory MB":1000,"State":"up"}]""", "'vCPUs': too large" },
        // Below the planner's unit: imported, then hosts.csv refused by every command that reads it.
        { """[{"Hypervisor Hostname":"h1","vCPUs":0.0004,"Memory MB":1000,"State":"up"}]""", "'vCPUs': too small: at least 0.001" },
        { """[{"Hypervisor Hostname":"h1","vCPUs":4,"Memory MB":0.4,"State":"up"}]""", "'Memory MB': too small: at least 1" },
        { """[{"Hypervisor Hostname":"h1\u202e","vCPUs":4,"Memory MB":1000,"State":"up"}]""", "(U+202E at character 3)" },
        { """[{"Hypervisor Hostname":" h1","vCPUs":4,"Memory MB":1000,"State":"up"}]""", "starts or ends with whitespace" },
        // Host names are case-insensitive: both were imported, and the exports would address one machine twice.
        { """[{"Hypervisor Hostname":"compute-1","vCPUs":4,"Memory MB":1000,"State":"up"},{"Hypervisor Hostname":"COMPUTE-1","vCPUs":4,"Memory MB":1000,"State":"up"}]""", "differs only in case from hypervisor 'compute-1'" },
        // A field twice (a hand merge) was read as the last one without a word: here a host that is down, imported as up.
        { "[{\"Hypervisor Hostname\":\"h1\",\"vCPUs\":4,\"Memory MB\":1000,\"State\":\"down\",\n  \"State\":\"up\"}]", "hypervisors.json:2, column 3 'State': \"State\" appears twice in one object (first at line 1, column 57)" },
    };

    [Theory]
    [MemberData(nameof(OpenStackHypervisors))]
    public void An_openstack_inventory_the_dataset_reader_would_refuse_is_refused(string json, string what)
    {
        using var tmp = new TempDirectory();
        var hypervisors = tmp.File("hypervisors.json");
        File.WriteAllText(hypervisors, json);
        File.WriteAllText(tmp.File("vms.csv"), "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,\n");
        var outDir = tmp.File("out");

        // The inventory is read before the server is asked: nothing listens on port 1.
        var result = CliRunner.Run("import", "--format", "prometheus", "--url", "http://127.0.0.1:1", "--start", "2026-01-05T00:00:00Z",
            "--end", "2026-01-05T01:00:00Z", "--openstack-hypervisors", hypervisors, "--vms", tmp.File("vms.csv"), "--out", outDir);

        CliRunner.AssertLocatedInputError(result, "hypervisors.json", what, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Fact]
    public void An_openstack_inventory_that_is_a_folder_is_named_and_exit_2()
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File("hypervisors.json");
        Directory.CreateDirectory(folder);
        File.WriteAllText(tmp.File("vms.csv"), "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,\n");
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", "http://127.0.0.1:1", "--start", "2026-01-05T00:00:00Z",
            "--end", "2026-01-05T01:00:00Z", "--openstack-hypervisors", folder, "--vms", tmp.File("vms.csv"), "--out", outDir);

        // Was "error: permission denied", exit code 1, without the path.
        CliRunner.AssertLocatedInputError(result, folder, "a folder, not a file", outDir);
    }
    /// <summary>`openstack hypervisor list --long -f json > hypervisors.json` in Windows PowerShell 5 writes UTF-16 with a
    /// byte-order mark: it was "not JSON: '0xFF' is an invalid start of a value". A UTF-8 mark is still taken (the
    /// inventory is read and the server asked: nothing listens on port 1).</summary>
    [Theory]
    [InlineData("utf-16", "hypervisors.json:1: UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8")]
    [InlineData("utf-8-bom", "no answer from the Prometheus server")]
    public void An_openstack_inventory_in_utf16_says_so(string encoding, string what)
    {
        using var tmp = new TempDirectory();
        var hypervisors = tmp.File("hypervisors.json");
        File.WriteAllText(hypervisors, """[{"Hypervisor Hostname":"h1","vCPUs":4,"Memory MB":8192,"State":"up"}]""",
            encoding == "utf-16" ? new System.Text.UnicodeEncoding(false, true) : new System.Text.UTF8Encoding(true));
        File.WriteAllText(tmp.File("vms.csv"), "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,\n");
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", "http://127.0.0.1:1", "--start", "2026-01-05T00:00:00Z",
            "--end", "2026-01-05T01:00:00Z", "--openstack-hypervisors", hypervisors, "--vms", tmp.File("vms.csv"), "--out", outDir);

        CliRunner.AssertLocatedInputError(result, encoding == "utf-16" ? hypervisors : "127.0.0.1:1", what, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
}
