using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Bad input through the real command: the message locates the problem (file, line, column,
/// value), the exit code is 2, and nothing is written to --out.</summary>
public class PlanCommandErrorTests
{
    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        // file to replace, its text, then what the message must contain: "line[:column]" and the value.
        { "hosts.csv", "host_id,cpu_cores,memory_mib,idle_watts\nh1,16,65536,100\n", "hosts.csv:1", "max_watts" },
        { "vms.csv", "", "vms.csv:1", "empty" },
        { "hosts.csv", "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh1,sixteen,65536,100,250\nh2,32,131072,120,400\n", "hosts.csv:2, column 2 'cpu_cores'", "'sixteen'" },
        { "vms.csv", "vm_id,vcpus,memory_mib,current_host\nvm1,2,4096,h1\nvm2,-4,8192,h1\nvm3,8,16384,h2\n", "vms.csv:3, column 2 'vcpus'", "'-4'" },
        { "usage.csv", DatasetFixture.Usage.Replace("1.5,4096", "NaN,4096"), "usage.csv:3, column 3 'cpu_cores'", "'NaN'" },
        { "usage.csv", DatasetFixture.Usage.Replace("3,8000", "3,Infinity"), "usage.csv:4, column 4 'memory_mib'", "'Infinity'" },
        { "hosts.csv", DatasetFixture.Hosts + "h1,8,1024,50,100\n", "hosts.csv:4, column 1 'host_id'", "'h1'" },
        { "vms.csv", DatasetFixture.Vms + "vm2,1,1024,\n", "vms.csv:5, column 1 'vm_id'", "'vm2'" },
        { "vms.csv", DatasetFixture.Vms.Replace("vm3,8,16384,h2", "vm3,8,16384,h9"), "vms.csv:4, column 4 'current_host'", "'h9'" },
        { "usage.csv", DatasetFixture.Usage + "2026-01-05T00:45:00Z,vm7,1,1024\n", "usage.csv:11, column 2 'vm_id'", "'vm7'" },
        { "usage.csv", string.Join("\n", DatasetFixture.Usage.Split('\n').Where(l => !l.Contains(",vm3,"))), "vms.csv:4, column 1 'vm_id'", "no usage rows" },
        { "usage.csv", DatasetFixture.Usage.Replace("2026-01-05T00:15:00Z,vm2", "yesterday,vm2"), "usage.csv:6, column 1 'timestamp'", "'yesterday'" },
        { "vms.csv", "vm_id,vcpus,memory_mib,current_host,qos\nvm1,2,4096,h1,batch\nvm2,4,8192,h1,\nvm3,8,16384,h2,realtime\n", "vms.csv:4, column 5 'qos'", "'realtime'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_located_exits_2_and_writes_nothing(string file, string text, string where, string what)
    {
        using var data = DatasetFixture.Create(
            hosts: file == "hosts.csv" ? text : null, vms: file == "vms.csv" ? text : null, usage: file == "usage.csv" ? text : null);
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "5");

        CliRunner.AssertLocatedInputError(result, where, what, outDir);
    }

    [Fact]
    public void A_vm_larger_than_every_host_is_explained_exits_3_and_writes_nothing()
    {
        using var data = DatasetFixture.Create(usage: DatasetFixture.Usage.Replace("3,8000", "40,8000"));
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--percentile", "100");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("VM vm3 fits no host", result.Err);
        Assert.Contains("40 cores cpu", result.Err);
        Assert.Contains("28.8 cores", result.Err); // 32 cores less 10 % headroom
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--headroom", "1.5")]
    [InlineData("--percentile", "0")]
    [InlineData("--windows", "7")]
    [InlineData("--windows", "fortnightly")]
    [InlineData("--half-life", "3 weeks")]
    [InlineData("--margin", "-0.1")]
    [InlineData("--time-limit", "-1")]
    public void Bad_options_exit_2_and_write_nothing(string option, string value)
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option.TrimStart('-'), result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Unknown_option_exits_2()
    {
        var result = CliRunner.Run("plan", "x", "--out", "y", "--no-such-option");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Err);
    }

    [Fact]
    public void Rules_in_conflict_are_named_exit_3_and_nothing_is_written()
    {
        using var data = DatasetFixture.Create();
        File.WriteAllText(data.PathOf("constraints.csv"), "rule,name,vms,hosts,limit\nspread,apart,vm1;vm2,,\ngather,together,vm1;vm2,,\n");
        var outDir = Path.Combine(data.Directory, "..", "out");

        var result = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--time-limit", "5");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("spread rule 'apart'", result.Err);
        Assert.Contains("gather rule 'together'", result.Err);
        Assert.False(Directory.Exists(outDir));
    }
}
