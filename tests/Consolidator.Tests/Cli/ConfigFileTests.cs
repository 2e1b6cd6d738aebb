using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary><c>--config FILE</c>: options from TOML or JSON, top-level for every command and per command in a
/// table; the command line wins; mistakes are located.</summary>
public class ConfigFileTests
{
    private static string PlanJsonField(string dir, string field) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "plan.json"))).RootElement
            .GetProperty("options").GetProperty(field).GetRawText();

    [Theory]
    [InlineData("c.toml", "headroom = 0.3\nmax-downtime = 400\n\n[plan]\nworkers = 1\ntime-limit = 1\nno-plots = true\nno-simulate = true\n\n[simulate]\nnic-gbps = 25\n")]
    [InlineData("c.json", "{\"headroom\": 0.3, \"max-downtime\": 400, \"plan\": {\"workers\": 1, \"time-limit\": 1, \"no-plots\": true, \"no-simulate\": true}, \"simulate\": {\"nic-gbps\": 25}}")]
    public void Options_come_from_the_file_and_the_command_line_wins(string name, string text)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File(name), text);

        var fromFile = CliRunner.Run("plan", data.Directory, "--out", tmp.File("a"), "--config", tmp.File(name));
        var overridden = CliRunner.Run("plan", data.Directory, "--out", tmp.File("b"), "--config", tmp.File(name), "--headroom", "0.2");

        Assert.True(fromFile.ExitCode == 0, fromFile.Err);
        Assert.Equal("0.3", PlanJsonField(tmp.File("a"), "headroom"));
        Assert.DoesNotContain("migration time", fromFile.Out); // no-simulate = true
        Assert.False(File.Exists(Path.Combine(tmp.File("a"), "utilisation-after.png"))); // no-plots = true
        Assert.True(overridden.ExitCode == 0, overridden.Err);
        Assert.Equal("0.2", PlanJsonField(tmp.File("b"), "headroom"));
    }

    [Theory]
    [InlineData("c.toml", "headroom = 0.3\n[plan]\nhedroom = 0.2\n", "c.toml:3:1: 'consolidator plan' has no option --hedroom")]
    [InlineData("c.toml", "headroom = 0.3\n[plna]\nworkers = 1\n", "[plna] is not a command of consolidator")]
    [InlineData("c.toml", "no-such-option = 1\n", "c.toml:1:1: no command of consolidator has this option")]
    [InlineData("c.toml", "headroom = \n", "c.toml:1:12: not TOML")]
    [InlineData("c.toml", "headroom = 0.3\n[plan]\nworkers = 1.5\n", "--workers: '1.5' is not a whole number")]
    [InlineData("c.json", "{\"plan\": {\"workers\": 1,\n  \"hedroom\": 0.2}}", "c.json:2:3: 'consolidator plan' has no option --hedroom")]
    [InlineData("c.json", "{\"plan\": {\"workers\": }}", "c.json:1:22: not JSON")]
    // Trailing text was ignored, exit 0: the settings after the first object were never read.
    [InlineData("c.json", "{\"plan\": {\"workers\": 1}}\n{\"headroom\": 0.5}", "c.json:2:1: not JSON: '{' is invalid after a single JSON value. Expected end of data.")]
    [InlineData("c.json", "{\"plan\": {\"workers\": 1}} // fine\ntrailing", "c.json:2:1: not JSON: 't' is invalid after a single JSON value.")]
    // An empty value was refused in the words for a shell: "--fail-on: an empty value (an unset shell variable?)".
    [InlineData("c.toml", "[plan]\nfail-on = []\n", "c.toml:2:1: fail-on is empty (\"\" or []): no option takes an empty value")]
    [InlineData("c.json", "{\"percentile\": []}", "c.json:1:2: percentile is empty")]
    [InlineData("c.toml", "headroom = \"\"\n", "c.toml:1:1: headroom is empty")]
    // "--fail-on: item 2 of 'slo,' is empty (a doubled, leading or trailing comma?)": no comma was written.
    [InlineData("c.toml", "fail-on = [\"slo\", \"\"]\n", "c.toml:1:1: item 2 of fail-on's array is empty")]
    [InlineData("c.json", "{\"fail-on\": [\"\", \"slo\"]}", "c.json:1:2: item 1 of fail-on's array is empty")]
    public void A_mistake_in_the_file_is_located_and_exits_2(string name, string text, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File(name), text);

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("out"), "--config", tmp.File(name));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message.Replace(name, tmp.File(name)).Replace("--workers: ", "--workers: "), result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>Arrays or inline tables nested 65 deep and more (a file within the 1 MiB bound holds 100,000 levels and more) were Tomlyn's
    /// unhandled TomlException ("The maximum depth of 64 has been exceeded. Change TomlSerializerOptions.MaxDepth"):
    /// a stack trace and exit code 134 before any command ran. Now one line naming the file, line and column.</summary>
    [Theory]
    [InlineData("c.toml", "headroom = {0}0.1{1}\n", "[", "]", "c.toml:1:76: not TOML: arrays or tables nested more than 64 deep")]
    [InlineData("c.toml", "[plan]\nheadroom = {0}1{1}\n", "{a = ", "}", "c.toml:2:332: not TOML: arrays or tables nested more than 64 deep")]
    [InlineData("c.json", "{{\"headroom\": {0}1{1}}}", "[", "]", "c.json:1:")]
    public void Values_nested_deeper_than_any_config_are_located(string name, string shape, string open, string close, string where)
    {
        using var tmp = new TempDirectory();
        foreach (var depth in new[] { 65, 100_000 })
        {
            File.WriteAllText(tmp.File(name), string.Format(System.Globalization.CultureInfo.InvariantCulture, shape,
                string.Concat(Enumerable.Repeat(open, depth)), string.Concat(Enumerable.Repeat(close, depth))));

            var result = CliRunner.Run("plan", tmp.File("no-dataset"), "--out", tmp.File("out"), "--config", tmp.File(name));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"error: {tmp.File(name)}:", result.Err);
            Assert.Contains(where.Replace(name, tmp.File(name)), result.Err);
            HostileInputTests.AssertOneCleanLine(result.Err);
            Assert.False(Directory.Exists(tmp.File("out")));
        }
    }

    /// <summary>A value of the wrong kind was System.CommandLine's three lines with no file in them ("--headroom: 'x' is
    /// not a number", a blank line, the usage hint), a switch given "yes" six ("'yes' was not matched. Did you mean
    /// one of the following? -h ..."), and a key twice in JSON "Option '--headroom' expects a single argument but 2
    /// were provided": now one line naming the file, line and column.</summary>
    [Theory]
    [InlineData("c.toml", "headroom = \"x\"\n", "c.toml:1:1: --headroom: 'x' is not a number")]
    [InlineData("c.toml", "[plan]\nheadroom = [1, 2]\n", "c.toml:2:1: --headroom takes one number, not an array (a decimal comma? write it with a point: '1.2')")]
    [InlineData("c.toml", "workers = 99999999999\n", "c.toml:1:1: --workers: '99999999999' is too large: at most 2147483647")]
    [InlineData("c.toml", "deterministic = \"yes\"\n", "c.toml:1:1: --deterministic takes true or false (value 'yes')")]
    [InlineData("c.json", "{\"headroom\": 0.1,\n \"headroom\": 0.2}", "c.json:2:2: --headroom is set twice (first at {dir}/c.json:1:2) (value 'headroom')")]
    // Read as one object, exit 0, where jq or Python keep only the last.
    [InlineData("c.json", "{\"plan\": {\"workers\": 1},\n \"plan\": {\"seed\": 2}}", "c.json:2:2: the options of 'plan' are given twice (first at {dir}/c.json:1:2): put them in one object (value 'plan')")]
    public void A_value_of_the_wrong_kind_is_one_line_naming_the_file(string name, string text, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File(name), text);

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("out"), "--config", tmp.File(name));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {tmp.Path}/{message.Replace("{dir}", tmp.Path)}\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>A value of the right kind but out of range, or not one of the words the option takes, was refused
    /// by the option's own check ("--headroom must be in [0, 1)") with no file in the line, as if the command line
    /// had given it: now the line names the file, line and column of the key, as a wrong-kind value does.</summary>
    [Theory]
    [InlineData("plan", "c.toml", "headroom = 1.5\n", "c.toml:1:1: --headroom must be in [0, 1) (value '1.5')")]
    [InlineData("plan", "c.toml", "workers = 1\n[plan]\ntime-limit = -3\n", "c.toml:3:1: --time-limit must be a positive number of seconds")]
    [InlineData("plan", "c.toml", "[plan]\nwindows = \"fortnightly\"\n", "c.toml:2:1: --windows must be")]
    [InlineData("plan", "c.json", "{\"plan\": {\"workers\": 1,\n  \"method\": \"teleport\"}}", "c.json:2:3: --method must be 'precopy'")]
    [InlineData("simulate", "c.toml", "nic-gbps = -1\n", "c.toml:1:1: --nic-gbps")]
    public void A_value_out_of_range_in_the_file_names_the_file(string command, string name, string text, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File(name), text);
        string[] args = command == "plan"
            ? ["plan", data.Directory, "--out", tmp.File("out"), "--config", tmp.File(name)]
            : ["simulate", data.Directory, tmp.File("plan.json"), "--out", tmp.File("out"), "--config", tmp.File(name)];
        if (command == "simulate")
        {
            var planned = CliRunner.Run("plan", data.Directory, "--out", tmp.File("p"), "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");
            Assert.True(planned.ExitCode == 0, planned.Err);
            File.Copy(Path.Combine(tmp.File("p"), "plan.json"), tmp.File("plan.json"));
        }

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {tmp.Path}/{message}", result.Err);
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>A key at the top and in the command's table: both were passed on ("expects a single argument but 2 were
    /// provided", exit 2); the table, the more specific, wins.</summary>
    [Fact]
    public void A_commands_table_wins_over_a_top_level_key()
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("c.toml"), "headroom = 0.1\n[plan]\nheadroom = 0.3\n");

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("a"), "--config", tmp.File("c.toml"), "--deterministic", "--time-limit", "2", "--no-plots", "--no-simulate");

        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal("0.3", PlanJsonField(tmp.File("a"), "headroom"));
    }

    /// <summary>--verbose is an option of every command (it is the root's), yet `verbose = true` in the file was "no command
    /// of consolidator has this option"; `config = ...` was the same untrue line.</summary>
    [Theory]
    [InlineData("verbose = true\n", null)]
    [InlineData("[plan]\nverbose = true\n", null)]
    [InlineData("config = \"other.toml\"\n", "c.toml:1:1: --config cannot be set in a config file")]
    // Passed on as "--help true": "Unrecognized command or argument 'true'", neither the file nor the key named.
    [InlineData("help = true\n", "c.toml:1:1: --help cannot be set in a config file")]
    [InlineData("[plan]\nhelp = false\n", "c.toml:2:1: --help cannot be set in a config file")]
    public void The_options_of_every_command_are_read_from_the_file(string text, string? error)
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("c.toml"), text);

        var result = CliRunner.Run("plan", tmp.File("no-such-dataset"), "--out", tmp.File("out"), "--config", tmp.File("c.toml"));

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("no command of consolidator has this option", result.Err);
        Assert.Contains(error is null ? "no-such-dataset" : $"{tmp.Path}/{error}", result.Err);
    }

    /// <summary>A folder given as --config read "cannot read the config file (Access to the path ... is denied.)".</summary>
    [Fact]
    public void A_folder_given_as_the_config_file_is_called_a_folder()
    {
        using var tmp = new TempDirectory();

        var result = CliRunner.Run("plan", "x", "--config", tmp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {tmp.Path}: a folder, not a config file\n", result.Err.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var result = CliRunner.Run("plan", "x", "--config", "/no/such/consolidator.toml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/no/such/consolidator.toml: config file not found", result.Err);
    }
    /// <summary>A config saved as UTF-16 without a byte-order mark was "not TOML: Expecting `=` after a key instead of
    /// \u0"; with a mark it is read as the encoding the mark names.</summary>
    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    public void A_config_in_utf16_is_read_with_its_mark_and_named_without(bool mark, int exitCode)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("c.toml"), "headroom = 0.3\n", new System.Text.UnicodeEncoding(false, mark));

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("out"), "--config", tmp.File("c.toml"), "--deterministic", "--time-limit", "1", "--no-plots", "--no-simulate");

        Assert.True(result.ExitCode == exitCode, result.Err);
        if (mark) Assert.Equal("0.3", PlanJsonField(tmp.File("out"), "headroom"));
        else Assert.StartsWith($"error: {tmp.File("c.toml")}: NUL characters: the file looks UTF-16 without a byte-order mark, or binary; save it as UTF-8 text", result.Err);
    }
}
