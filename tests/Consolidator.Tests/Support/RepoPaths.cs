namespace Consolidator.Tests.Support;

/// <summary>Locates the checkout (the folder holding Consolidator.sln) and the shared data beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the checkout, or null when this machine does not have it.</summary>
    public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

    /// <summary>The text of the document <paramref name="document"/> (a path from the checkout, such as
    /// docs/simulator.md) between the line <paramref name="begin"/> (a marker comment) and <paramref name="end"/>, with
    /// Unix line ends: a table the document says is a command's output.</summary>
    public static string DocumentBlock(string document, string begin, string end)
    {
        var text = File.ReadAllText(Path.Combine(Root, document)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = text.IndexOf(begin + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{document} has no block {begin}");
        return text[(start + begin.Length + 1)..text.IndexOf(end, start, StringComparison.Ordinal)];
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Consolidator.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find Consolidator.sln above " + AppContext.BaseDirectory);
    }
}
