using System.Diagnostics;
using Consolidator.Datasets;
using Consolidator.Generation;
using Consolidator.Tests.Support;
using Xunit.Abstractions;

namespace Consolidator.Tests.Output;

/// <summary>The real CLI, killed with SIGKILL at random moments and run twice at once into one folder: what
/// is visible afterwards is always one run's complete set, never a mix or a part. The verdict compares bytes
/// with the sets each seed gives, so it does not depend on when the kill lands or how fast the machine is;
/// speed only decides how the kills spread over the run.</summary>
public class KillTests(ITestOutputHelper output)
{
    private static readonly GeneratorOptions Options = new(Seed: 1, Vms: 60, Days: 3, SampleMinutes: 15);

    /// <summary>The bytes of each dataset file, keyed by name, for one seed, written by the same writer.</summary>
    private static Dictionary<string, byte[]> Expected(int seed)
    {
        using var dir = new TempDirectory();
        DatasetWriter.Write(DatasetGenerator.Generate(Options with { Seed = seed }), dir.Path);
        return Directory.GetFiles(dir.Path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    private static string[] Args(string dir, int seed) =>
        ["generate", "--out", dir, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--vms", Options.Vms.ToString(System.Globalization.CultureInfo.InvariantCulture), "--days", Options.Days.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>Which seed's complete set the folder holds, or why it holds none.</summary>
    private static string Verdict(string dir, Dictionary<int, Dictionary<string, byte[]>> sets)
    {
        if (!Directory.Exists(dir)) return "no folder";
        var visible = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        foreach (var (seed, files) in sets)
            if (visible.Count == files.Count && files.All(kv => visible.TryGetValue(kv.Key, out var b) && b.AsSpan().SequenceEqual(kv.Value)))
                return $"seed {seed}";
        return "a mix or a part: " + string.Join(", ", visible.Select(kv => $"{kv.Key} ({kv.Value.Length} bytes)"));
    }

    [Fact]
    public void Killed_at_any_moment_the_folder_holds_the_old_set_or_the_new_one()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("data");
        var sets = new Dictionary<int, Dictionary<string, byte[]>> { [1] = Expected(1), [2] = Expected(2) };
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, ChildCli.Run(Args(dir, 1)).Code);
        var whole = watch.Elapsed.TotalMilliseconds;
        var random = new Random(12);
        var outcomes = new List<string>();

        for (var run = 0; run < 30; run++)
        {
            var before = Verdict(dir, sets);
            var seed = before == "seed 1" ? 2 : 1;
            using var child = ChildCli.Start(Args(dir, seed));
            // Spread over the whole run, start-up to exit; a kill after the exit just finds it done.
            Thread.Sleep(TimeSpan.FromMilliseconds(random.NextDouble() * whole * 1.1));
            try { child.Kill(); }
            catch (InvalidOperationException) { }
            child.WaitForExit();

            var after = Verdict(dir, sets);
            Assert.True(after == before || after == $"seed {seed}", $"run {run}: before {before}, after the kill: {after}");
            outcomes.Add(after == before ? "old" : "new");
        }

        output.WriteLine($"a whole run took {whole:0} ms; after the 30 kills: {outcomes.Count(o => o == "old")} old sets, {outcomes.Count(o => o == "new")} new ones");
        // The next complete run cleans whatever the killed ones left beside the folder.
        Assert.Equal(0, ChildCli.Run(Args(dir, 3)).Code);
        Assert.Equal(["data"], Directory.EnumerateFileSystemEntries(tmp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Two_runs_into_one_folder_at_once_leave_one_whole_set()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("data");
        var sets = new Dictionary<int, Dictionary<string, byte[]>> { [1] = Expected(1), [2] = Expected(2) };

        for (var round = 0; round < 3; round++)
        {
            using var a = ChildCli.Start(Args(dir, 1));
            using var b = ChildCli.Start(Args(dir, 2));
            var errors = new[] { a.StandardError.ReadToEndAsync(), b.StandardError.ReadToEndAsync() };
            await a.WaitForExitAsync();
            await b.WaitForExitAsync();

            Assert.True(a.ExitCode == 0, await errors[0]);
            Assert.True(b.ExitCode == 0, await errors[1]);
            Assert.StartsWith("seed ", Verdict(dir, sets));
        }
        Assert.Equal(["data"], Directory.EnumerateFileSystemEntries(tmp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
