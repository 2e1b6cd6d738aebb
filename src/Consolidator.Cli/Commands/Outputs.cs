using Consolidator.Output;

namespace Consolidator.Cli.Commands;

/// <summary>How a command writes its output set through the library's one writer, telling the user on
/// stderr when it waits for another run writing the same folder.</summary>
internal static class Outputs
{
    public static void Write(TextWriter stderr, string dir, string kind, IEnumerable<OutputFile> files) =>
        OutputSet.Write(dir, kind, files, () => stderr.WriteLine($"waiting: another run is writing {Quoted.Path(dir)}"));

    /// <summary>A path as a "wrote ..." line shows it: control characters escaped (a folder named with a newline or an
    /// escape sequence, a dataset's name in the default --out, ended the line or reached the terminal raw), never cut.</summary>
    public static string Shown(string path) => Quoted.Escape(path, int.MaxValue);

    /// <summary>Every figure as NAME.png and NAME.svg.</summary>
    public static IEnumerable<OutputFile> Figures(IEnumerable<Plots.Figure> figures) =>
        figures.SelectMany(f => new[] { OutputFile.Bytes(f.Name + ".png", f.Png), OutputFile.Text(f.Name + ".svg", f.Svg) });
}
