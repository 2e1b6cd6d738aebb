using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>Output folders whose names hold what a terminal acts on, or that cannot be folders at all.</summary>
public sealed class HostileOutputPathTests
{
    private const string Hostile = "ev\u001b[2Jil\nx";

    /// <summary>The "wrote ..." line printed the output path raw: a folder named with a newline split the line (stdout is
    /// parsed when redirected) and one with an escape sequence cleared the screen. A dataset's folder name becomes the
    /// default --out, so the name need not be the user's own. Now escaped, as in every error.</summary>
    [Theory]
    [InlineData("generate")]
    [InlineData("plan")]
    [InlineData("export")]
    public void A_written_path_is_printed_escaped(string command)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        var outPath = tmp.File(Hostile);
        string[] args = command switch
        {
            "generate" => ["generate", "--vms", "4", "--days", "1", "--out", outPath],
            "plan" => ["plan", data.Directory, "--out", outPath, "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate"],
            _ => ["export", PlanOf(data, tmp), "--to", "libvirt", "--out", outPath],
        };

        var result = CliRunner.Run(args);

        Assert.True(result.ExitCode == 0, result.Err);
        var printed = result.Out + result.Err;
        Assert.Contains("ev\\u001b[2Jil\\nx", printed);
        Assert.DoesNotContain(printed, c => char.IsControl(c) && c is not '\n' and not '\r');
        Assert.Single(printed.Split('\n'), line => line.Contains("ev\\u001b[2Jil\\nx", StringComparison.Ordinal)); // one "wrote" line
    }

    private static string PlanOf(DatasetFixture data, TempDirectory tmp)
    {
        var made = CliRunner.Run("plan", data.Directory, "--out", tmp.File("plan"), "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
        Assert.True(made.ExitCode == 0, made.Err);
        return Path.Combine(tmp.File("plan"), "plan.json");
    }
}
