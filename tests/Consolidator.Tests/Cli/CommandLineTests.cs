using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>The command line as a new user meets it: the program is called `consolidator` in help and errors,
/// a misspelt command or option gets System.CommandLine's "did you mean", and no message leaks .NET names.</summary>
public class CommandLineTests
{
    [Fact]
    public void Help_names_the_command_that_exists()
    {
        var result = CliRunner.Run("plan", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("consolidator plan <DATASET_DIR> [options]", result.Out);
    }

    [Fact]
    public void A_misspelt_option_gets_a_suggestion_and_exit_code_2()
    {
        var result = CliRunner.Run("plan", "x", "--hedroom", "0.2");

        Assert.Equal(2, result.ExitCode);
        // One line (was System.CommandLine's six: the token, the suggestion, the error, the usage, blank lines between).
        Assert.Equal("error: Unrecognized command or argument '--hedroom'; Unrecognized command or argument '0.2' (did you mean --headroom?); run 'consolidator plan --help' for usage\n",
            result.Err.Replace("\r\n", "\n"));
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_parse_error_quotes_the_token_escaped_and_bounded()
    {
        var hostile = "\u001b[31mred\u001b]0;title\u0007" + new string('x', 10 * 1024 * 1024);
        var result = CliRunner.Run("plan", "x", hostile);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Err);
        Assert.DoesNotContain('\u0007', result.Err);
        Assert.Contains("\\u001b[31mred", result.Err);
        Assert.True(result.Err.Length < 2000, $"{result.Err.Length} characters on stderr");
        Assert.All(result.Err.Split('\n'), line => Assert.True(line.Length <= 400, line[..Math.Min(line.Length, 100)]));
    }

    [Fact]
    public void A_misspelt_command_gets_a_suggestion()
    {
        var result = CliRunner.Run("plna", "datasets/default");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains("(did you mean plan?)", result.Err);
        Assert.EndsWith("; run 'consolidator --help' for usage\n", result.Err.Replace("\r\n", "\n"));
    }

    /// <summary>An unknown command with --help printed the root help and exit code 0, as if `report` existed; a word
    /// after a command's --help was ignored the same way. Now the error the same line gets without --help.</summary>
    [Theory]
    [InlineData("report --help", "Required command was not provided; Unrecognized command or argument 'report' (did you mean export or import?)", "run 'consolidator --help' for usage")]
    [InlineData("-h plna", "Required command was not provided; Unrecognized command or argument 'plna' (did you mean plan?)", "run 'consolidator --help' for usage")]
    [InlineData("plan x --help y", "Unrecognized command or argument 'y'", "run 'consolidator plan --help' for usage")]
    public void An_unknown_word_beside_help_is_an_error_not_help(string line, string error, string usage)
    {
        var result = CliRunner.Run(line.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {error}; {usage}\n", result.Err.Replace("\r\n", "\n"));
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("--headroom", "abc", "--headroom: 'abc' is not a number")]
    [InlineData("--workers", "1.5", "--workers: '1.5' is not a whole number")]
    [InlineData("--memory-floor", "perhaps", "Unrecognized command or argument")]
    public void A_value_of_the_wrong_kind_is_named_in_the_users_words(string option, string value, string message)
    {
        var result = CliRunner.Run("plan", "x", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.DoesNotContain("System.", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_long_bad_value_is_cut_short_and_control_characters_escaped()
    {
        var result = CliRunner.Run("plan", "x", "--percentile", "9\u001b[2J" + new string('9', 100));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'9\\u001b[2J999", result.Err);
        Assert.DoesNotContain("\u001b", result.Err);
        Assert.True(result.Err.Split('\n').Max(l => l.Length) < 160, result.Err); // the value cut to 40 characters, then the usage hint
    }

    [Fact]
    public void An_out_of_range_value_names_the_option_not_the_parameter()
    {
        using var data = DatasetFixture.Create();

        var result = CliRunner.Run("plan", data.Directory, "--out", Path.Combine(data.Directory, "..", "out"), "--headroom", "1.5");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--headroom must be in [0, 1)", result.Err);
        Assert.DoesNotContain("Parameter", result.Err);
    }

    [Fact]
    public void Switches_mean_true_alone_and_take_an_explicit_value()
    {
        using var data = DatasetFixture.Create();
        var outDir = Path.Combine(data.Directory, "..", "out");

        var alone = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--no-simulate", "--no-plots");
        var explicitFalse = CliRunner.Run("plan", data.Directory, "--out", outDir, "--deterministic", "--no-simulate", "false", "--no-plots", "true");

        Assert.Equal(0, alone.ExitCode);
        Assert.DoesNotContain("migration time", alone.Out);
        Assert.Equal(0, explicitFalse.ExitCode);
        Assert.Contains("migration time", explicitFalse.Out);
    }
}
