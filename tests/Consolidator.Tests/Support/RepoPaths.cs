namespace Consolidator.Tests.Support;

/// <summary>Locates the checkout (the folder holding Consolidator.sln) and the shared data beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the checkout, or null when this machine does not have it.</summary>
    public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Consolidator.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find Consolidator.sln above " + AppContext.BaseDirectory);
    }
}
