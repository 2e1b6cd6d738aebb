using Consolidator.Plots;

namespace Consolidator.Cli.Commands;

/// <summary>Each figure as NAME.png and NAME.svg.</summary>
internal static class FigureFiles
{
    public static IEnumerable<(string Name, byte[] Bytes)> Of(IEnumerable<Figure> figures) =>
        figures.SelectMany(f => new[] { (f.Name + ".png", f.Png), (f.Name + ".svg", new System.Text.UTF8Encoding(false).GetBytes(f.Svg)) });
}
