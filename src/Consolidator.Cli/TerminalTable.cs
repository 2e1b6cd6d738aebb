using Spectre.Console;
using Spectre.Console.Rendering;

namespace Consolidator.Cli;

/// <summary>Tables on a terminal through Spectre.Console: a rounded border, a bold header, numeric columns
/// right-aligned, every cell plain text (never read as markup). Only where stdout is an interactive terminal:
/// redirected output keeps the plain aligned columns that scripts and the README read, so <see cref="For"/>
/// returns null there and the caller writes its plain text. A table wider than the terminal is not drawn either
/// (the writer returns false): squeezed into 80 columns, 19 columns wrap every cell letter by letter.</summary>
internal static class TerminalTable
{
    /// <summary>A table writer for <paramref name="stdout"/> when it is the process's interactive terminal.</summary>
    public static Func<string[], IReadOnlyList<string[]>, bool>? For(TextWriter stdout)
    {
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected) return null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        if (console.Profile.Capabilities is not { Ansi: true, Interactive: true }) return null;
        return (header, rows) =>
        {
            if (Width(header, rows) > console.Profile.Width) return false;
            console.Write(Build(header, rows));
            return true;
        };
    }

    /// <summary>Characters the table takes unsqueezed: each column's widest cell, its padding and border.</summary>
    public static int Width(string[] header, IReadOnlyList<string[]> rows) =>
        1 + Enumerable.Range(0, header.Length).Sum(c => 3 + rows.Where(r => c < r.Length).Select(r => r[c].Length).Append(header[c].Length).Max());

    /// <summary>The table; a short row (an error line) leaves its last columns empty.</summary>
    public static Table Build(string[] header, IReadOnlyList<string[]> rows)
    {
        var table = new Table().RoundedBorder();
        for (var c = 0; c < header.Length; c++)
        {
            var column = new TableColumn(new Text(header[c], new Style(decoration: Decoration.Bold)));
            var cells = rows.Where(r => c < r.Length).Select(r => r[c]).ToArray();
            if (cells.Length > 0 && cells.All(IsNumber)) column.RightAligned();
            table.AddColumn(column);
        }
        foreach (var row in rows)
            table.AddRow([.. Enumerable.Range(0, header.Length).Select(c => (IRenderable)new Text(c < row.Length ? row[c] : ""))]);
        return table;
    }

    /// <summary>A number as the text tables print one: digits first, a dash for none, or "n/a".</summary>
    private static bool IsNumber(string cell) => cell.Length == 0 || char.IsDigit(cell[0]) || cell is "-" or "n/a" || (cell[0] == '-' && cell.Length > 1 && char.IsDigit(cell[1]));
}
