using ScottPlot;

namespace Consolidator.Plots;

/// <summary>A rendered plot: its file name stem, PNG bytes and SVG text. The library draws; the caller
/// decides where the bytes go.</summary>
public sealed record Figure(string Name, string Title, byte[] Png, string Svg)
{
    public const int Width = 900;
    public const int Height = 540;

    internal static Figure Render(string name, Plot plot)
    {
        // Every label keeps ScottPlot's default font name (Fonts.Default, the system's sans font). Never
        // plot.Font.Set: in ScottPlot 5.1.59 it stores a regular-weight typeface as the process-wide
        // Fonts.DefaultFontStyle, which every label created afterwards draws with, so bold labels lost their
        // weight in every later plot of the process and a second identical report differed from the first.
        return new Figure(name, plot.Axes.Title.Label.Text, plot.GetImageBytes(Width, Height, ImageFormat.Png), plot.GetSvgXml(Width, Height));
    }
}
