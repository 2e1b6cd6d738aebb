using Consolidator.Cli;
using Spectre.Console;

namespace Consolidator.Tests.Cli;

public class TerminalTableTests
{
    private static string[] Render(string[] header, string[][] rows)
    {
        var w = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(w),
        });
        console.Profile.Width = 100;
        console.Write(TerminalTable.Build(header, rows));
        return w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Numbers_are_right_aligned_and_text_left_aligned()
    {
        var lines = Render(["policy", "hosts"], [["lr-mmt", "7.4"], ["re-planned + local", "14.7"]]);

        var short_ = lines.Single(l => l.Contains("lr-mmt"));
        var long_ = lines.Single(l => l.Contains("re-planned + local"));
        Assert.Equal(short_.IndexOf("7.4", StringComparison.Ordinal) + 3, long_.IndexOf("14.7", StringComparison.Ordinal) + 4);
        Assert.Equal(short_.IndexOf("lr-mmt", StringComparison.Ordinal), long_.IndexOf("re-planned", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("policy") && l.Contains("hosts"));
    }

    [Fact]
    public void Cells_are_text_never_markup_and_short_rows_are_padded()
    {
        var lines = Render(["family", "instance", "VMs"], [["fleet", "[red]x[/]", "30000"], ["fleet", "error: [bold] broke"]]);

        Assert.Contains(lines, l => l.Contains("[red]x[/]"));
        Assert.Contains(lines, l => l.Contains("error: [bold] broke"));
    }

    [Fact]
    public void A_writer_that_is_not_the_terminal_gets_the_plain_text()
    {
        Assert.Null(TerminalTable.For(new StringWriter()));
    }

    [Fact]
    public void Width_counts_each_column_widest_cell_padding_and_border()
    {
        // "│ policy             │ hosts │": 1 + (3 + 18) + (3 + 5).
        Assert.Equal(30, TerminalTable.Width(["policy", "hosts"], [["lr-mmt", "7.4"], ["re-planned + local", "14.7"]]));
        Assert.Equal(30, Render(["policy", "hosts"], [["lr-mmt", "7.4"], ["re-planned + local", "14.7"]])[0].TrimEnd().Length);
    }
}
