namespace Consolidator.Tests.Support;

/// <summary>Locates the checkout (the folder holding Consolidator.sln) and the shared data beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the checkout, or null when this machine does not have it.</summary>
    public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

    /// <summary>The README's text between the line <paramref name="begin"/> (a marker comment) and
    /// <paramref name="end"/>, with Unix line ends: a table the README says is a command's output.</summary>
    public static string ReadmeBlock(string begin, string end)
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = readme.IndexOf(begin + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no block {begin}");
        return readme[(start + begin.Length + 1)..readme.IndexOf(end, start, StringComparison.Ordinal)];
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Consolidator.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find Consolidator.sln above " + AppContext.BaseDirectory);
    }
}
