using System.Text.RegularExpressions;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Docs;

/// <summary>docs/reference.md is the full list of every command's options: every option a command's `--help`
/// prints must be named in that command's section there, so that an option added to the CLI cannot stay
/// undocumented (sweep's `--workers` and `evaluate --json` were). The options every command takes (`--config`,
/// `--verbose`, `--help`) have their own section.</summary>
public partial class ReferenceOptionsTests
{
    [GeneratedRegex(@"^\s+(?:-\S+, )*(--[a-z0-9-]+)", RegexOptions.Multiline)]
    private static partial Regex HelpOption();

    private static readonly string[] EveryCommand = ["--config", "--verbose", "--help"];

    /// <summary>The options `--help` lists for <paramref name="command"/>, in its Options section.</summary>
    private static List<string> HelpOptions(string command)
    {
        var help = CliRunner.Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, help.ExitCode);
        var options = help.Out.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\nOptions:\n")[1].Split("\n\n")[0];
        return [.. HelpOption().Matches(options).Select(m => m.Groups[1].Value).Except(EveryCommand)];
    }

    /// <summary>The text of the sections of docs/reference.md whose `###` heading starts with one of
    /// <paramref name="headings"/>, each up to the next heading of its level or above.</summary>
    private static string Sections(params string[] headings)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "reference.md"));
        var text = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("### ", StringComparison.Ordinal))
                inside = headings.Any(h => line.StartsWith("### " + h, StringComparison.Ordinal));
            if (inside) text.Add(line);
        }
        Assert.True(text.Count > 0, $"docs/reference.md has no section {string.Join(" or ", headings)}");
        return string.Join("\n", text);
    }

    public static TheoryData<string, string[]> Commands => new()
    {
        { "plan", ["`consolidator plan`"] },
        { "simulate", ["`consolidator simulate`"] },
        { "generate", ["`consolidator generate`"] },
        { "sweep", ["`consolidator sweep`"] },
        { "export", ["`consolidator export`"] },
        { "import", ["`consolidator import`", "`consolidator import --format prometheus`"] },
        { "evaluate", ["`consolidator evaluate`"] },
        { "bench", ["`consolidator bench`"] },
        { "calibrate", ["Other commands"] },
        { "images scan", ["Other commands"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_option_help_lists_is_named_in_the_commands_section_of_the_reference(string command, string[] headings)
    {
        var section = Sections(headings);
        // plan's and sweep's replay options are simulate's, listed once in its section (the "simulator options" row).
        var simulator = section.Contains("| simulator options |", StringComparison.Ordinal) ? Sections("`consolidator simulate`") : "";
        bool Named(string option) =>
            Regex.IsMatch(section, Regex.Escape(option) + "(?![a-z0-9-])") || Regex.IsMatch(simulator, Regex.Escape(option) + "(?![a-z0-9-])");

        var options = HelpOptions(command);

        Assert.NotEmpty(options);
        Assert.True(options.All(Named), $"`{command} --help` lists options docs/reference.md does not name in its section: "
            + string.Join(", ", options.Where(o => !Named(o))));
    }

    [Fact]
    public void Every_command_the_root_help_lists_is_checked()
    {
        var root = CliRunner.Run("--help").Out.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\nCommands:\n")[1];
        var listed = Regex.Matches(root, @"^  ([a-z-]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var covered = Commands.Select(row => ((string)row[0]).Split(' ')[0]).ToHashSet();

        Assert.Contains("plan", listed);
        Assert.DoesNotContain(listed, c => !covered.Contains(c));
    }
}
