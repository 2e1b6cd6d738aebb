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
        // Fonts found on the machine would change the bytes from one machine to the next; DejaVu ships with
        // most Linux systems and ScottPlot falls back to its default when it is absent.
        plot.Font.Set(Fonts.Default);
        return new Figure(name, plot.Axes.Title.Label.Text, plot.GetImageBytes(Width, Height, ImageFormat.Png), plot.GetSvgXml(Width, Height));
    }
}
