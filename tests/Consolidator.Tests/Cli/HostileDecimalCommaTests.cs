using Consolidator.Datasets;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>A number written with a decimal comma, as a German, French or Russian user types it, was refused with no
/// word of why ("--headroom: '0,15' is not a number"), and a config file's `headroom = [0,15]` (TOML reads two numbers)
/// reached the same parser as "0,15". Still refused, never read (a comma may as well group thousands), but the one-line
/// error says what to write.</summary>
public class HostileDecimalCommaTests
{
    [Theory]
    [InlineData("--headroom", "0,15", "--headroom: '0,15' is not a number (a decimal comma? write it with a point: '0.15')")]
    [InlineData("--nic-gbps", "1,000", "--nic-gbps: '1,000' is not a number (a decimal comma or a thousands separator? write '1.000' or '1000')")]
    [InlineData("--nic-gbps", "25,000,000", "--nic-gbps: '25,000,000' is not a number (write it without thousands separators: '25000000')")]
    [InlineData("--seed", "1,000", "--seed: '1,000' is not a whole number (write it without thousands separators: '1000')")]
    [InlineData("--workers", "0,5", "--workers: '0,5' is not a whole number;")]
    [InlineData("--half-life", "1,5d", "--half-life must be 'none' or a positive number of hours or days such as 24h or 7d, not '1,5d' (a decimal comma? write it with a point: '1.5d')")]
    public void A_decimal_comma_on_the_command_line_gets_a_hint_not_a_reading(string option, string value, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("out"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>The trace importers' cells: a Bitbrains file saved by a spreadsheet in a comma-decimal locale keeps its ';'
    /// separators and writes "1,5", a PlanetLab file "12,5"; both were "not a number" with no word of the comma, skipped
    /// (or, with --strict, the one error).</summary>
    [Theory]
    [InlineData("bitbrains", "column 3 'CPU usage [%]': not a number (a decimal comma? write it with a point: '1.5') (--strict) (value '1,5')")]
    [InlineData("planetlab", "not a CPU utilisation in percent (a decimal comma? write it with a point: '12.5') (--strict) (value '12,5')")]
    public void A_decimal_comma_in_a_trace_gets_the_hint(string format, string message)
    {
        using var tmp = new TempDirectory();
        var folder = tmp.File(format == "bitbrains" ? "2013-7" : "20110303");
        Directory.CreateDirectory(folder);
        if (format == "bitbrains")
            File.WriteAllText(Path.Combine(folder, "1.csv"), "Timestamp [ms];\tCPU cores;\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB]\n"
                + "1372629804;\t2;\t1,5;\t8218624.0;\t1034592.8\n");
        else File.WriteAllText(Path.Combine(folder, "vm1"), "12\n12,5\n");
        var outDir = tmp.File("out");

        var result = CliRunner.Run("import", "--format", format, folder, "--out", outDir, "--strict");

        CliRunner.AssertLocatedInputError(result, ":2", message, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Theory]
    [InlineData("c.toml", "headroom = [0,15]\n", "c.toml:1:1: --headroom takes one number, not an array (a decimal comma? write it with a point: '0.15')")]
    [InlineData("c.toml", "[plan]\nseed = [7]\n", "c.toml:2:1: --seed takes one number, not an array")]
    [InlineData("c.toml", "headroom = 0,15\n", "c.toml:1:13: not TOML: Unexpected token found `,` (token: `comma`) while expecting token `newline` (a decimal comma? write it with a point: '0.15')")]
    [InlineData("c.json", "{\"headroom\": 0,15}", "c.json:1:16: not JSON: '1' is an invalid start of a property name. Expected a '\"'. (a decimal comma? write it with a point: '0.15')")]
    [InlineData("c.json", "{\"headroom\": \"0,15\"}", "c.json:1:2: --headroom: '0,15' is not a number (a decimal comma? write it with a point: '0.15')")]
    public void A_decimal_comma_in_a_config_file_names_the_key_and_gets_the_hint(string name, string text, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File(name), text);

        var result = CliRunner.Run("plan", data.Directory, "--out", tmp.File("out"), "--config", tmp.File(name));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {tmp.Path}/{message}\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    [Fact]
    public void A_quoted_decimal_comma_in_a_csv_cell_gets_the_hint_at_its_line_and_column()
    {
        using var data = DatasetFixture.Create(usage: DatasetFixture.Usage.Replace("vm2,1.5,4096", "vm2,\"1,5\",4096"));

        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));

        Assert.Equal(data.PathOf("usage.csv"), e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal("cpu_cores", e.Column);
        Assert.Contains("(a decimal comma? write it with a point: '1.5')", e.Problem);
    }

    /// <summary>A sweep's lists are comma lists: `--headroom 0,15` is the list 0 and 15, refused for 15 with no word of
    /// the comma, and `--headroom "0,1;0,2"` was "not '1;0'". The hint says what to write; the list is never read otherwise
    /// ("90,95" is a good list of percentiles).</summary>
    [Theory]
    [InlineData("--headroom", "0,15", "--headroom must be in [0, 1) (a decimal comma? the items are separated by commas: for the one value write '0.15')")]
    [InlineData("--headroom", "0,1;0,2", "--headroom must be a comma list of numbers, not '1;0' in '0,1;0,2' (decimal commas? the items are separated by commas: write '0.1,0.2')")]
    public void A_decimal_comma_in_a_sweep_list_gets_the_hint(string option, string value, string message)
    {
        using var data = DatasetFixture.Create();
        using var tmp = new TempDirectory();

        var result = CliRunner.Run("sweep", data.Directory, "--out", tmp.File("out"), option, value, "--deterministic", "--time-limit", "1", "--no-plots");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message}\n", result.Err.Replace("\r\n", "\n"));
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    /// <summary>Digits of another script ("٣" Arabic-Indic, "１" fullwidth) in a CSV cell: refused as before, with what to
    /// write in 0-9.</summary>
    [Theory]
    [InlineData("٣", "(digits other than 0-9? write '3')")]
    [InlineData("１.５", "(digits other than 0-9? write '1.5')")]
    public void Digits_of_another_script_in_a_csv_cell_get_a_hint(string cpu, string hint)
    {
        using var data = DatasetFixture.Create(usage: DatasetFixture.Usage.Replace("vm2,1.5,4096", $"vm2,{cpu},4096"));

        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));

        Assert.Equal((data.PathOf("usage.csv"), 3, "cpu_cores", cpu), (e.File, e.Line, e.Column, e.Value));
        Assert.EndsWith(hint, e.Problem);
    }

    [Theory]
    [InlineData("0,15", false, " (a decimal comma? write it with a point: '0.15')")]
    [InlineData("-2,5e3", false, " (a decimal comma? write it with a point: '-2.5e3')")]
    [InlineData("12,345,678", true, " (write it without thousands separators: '12345678')")]
    [InlineData("0,5", true, null)]
    [InlineData("abc", false, null)]
    [InlineData("1,2,3", false, null)]
    [InlineData("٣٫٥", false, " (digits other than 0-9? write '3.5')")]
    [InlineData("١٢", true, " (digits other than 0-9? write '12')")]
    [InlineData("１", false, " (digits other than 0-9? write '1')")]
    public void The_hint_is_given_only_where_a_comma_decimal_or_thousands_is_likely(string text, bool whole, string? hint) =>
        Assert.Equal(hint, DecimalComma.Hint(text, whole));
}
