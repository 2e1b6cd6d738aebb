namespace Consolidator.Tests.Support;

/// <summary>A valid tiny dataset folder in a fresh temp directory (2 hosts, 3 VMs, 3 samples each), deleted
/// on Dispose. Pass the text of any of the three files to replace it; null keeps the default.
/// <code>using var data = DatasetFixture.Create(vms: "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,\n");
/// var dataset = DatasetReader.Read(data.Directory);</code></summary>
public sealed class DatasetFixture : IDisposable
{
    public const string Hosts =
        """
        host_id,cpu_cores,memory_mib,idle_watts,max_watts
        h1,16,65536,100,250
        h2,32,131072,120,400

        """;

    public const string Vms =
        """
        vm_id,vcpus,memory_mib,current_host
        vm1,2,4096,h1
        vm2,4,8192,h1
        vm3,8,16384,h2

        """;

    public const string Usage =
        """
        timestamp,vm_id,cpu_cores,memory_mib
        2026-01-05T00:00:00Z,vm1,0.5,2048
        2026-01-05T00:00:00Z,vm2,1.5,4096
        2026-01-05T00:00:00Z,vm3,3,8000
        2026-01-05T00:15:00Z,vm1,1,2100
        2026-01-05T00:15:00Z,vm2,2,4200
        2026-01-05T00:15:00Z,vm3,4,9000
        2026-01-05T00:30:00Z,vm1,0.25,2000
        2026-01-05T00:30:00Z,vm2,0,4000
        2026-01-05T00:30:00Z,vm3,6,12000

        """;

    private readonly string _root;

    private DatasetFixture(string root, string directory)
    {
        _root = root;
        Directory = directory;
    }

    /// <summary>The dataset folder; its name is the <c>name</c> given to <see cref="Create"/>.</summary>
    public string Directory { get; }

    /// <summary>Writes the dataset (UTF-8, no BOM unless the text starts with \uFEFF, line ends as given).</summary>
    public static DatasetFixture Create(string? hosts = null, string? vms = null, string? usage = null, string name = "tiny")
    {
        // The random parent keeps the dataset's own folder name predictable for tests of Dataset.Name.
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "consolidator-tests", Guid.NewGuid().ToString("N"));
        var fixture = new DatasetFixture(root, System.IO.Path.Combine(root, name));
        System.IO.Directory.CreateDirectory(fixture.Directory);
        File.WriteAllText(fixture.PathOf("hosts.csv"), hosts ?? Hosts);
        File.WriteAllText(fixture.PathOf("vms.csv"), vms ?? Vms);
        File.WriteAllText(fixture.PathOf("usage.csv"), usage ?? Usage);
        return fixture;
    }

    /// <summary>The path of one file of the dataset, as the reader names it in errors.</summary>
    public string PathOf(string file) => System.IO.Path.Combine(Directory, file);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_root)) System.IO.Directory.Delete(_root, recursive: true);
    }
}
