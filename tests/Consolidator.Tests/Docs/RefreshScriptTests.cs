using System.Diagnostics;
using System.Text.RegularExpressions;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Docs;

/// <summary>docs/refresh.sh, the script that writes every output block of the README: it rewrites the block
/// after each marker, leaves everything else alone (markers shown inside a code block included), and in check
/// mode fails with a diff when a block differs from a fresh run.</summary>
public class RefreshScriptTests
{
    private static string Script => Path.Combine(RepoPaths.Root, "docs", "refresh.sh");

    private static (int Code, string Err) Refresh(params string[] args) => RefreshWith(Script, args);

    private static (int Code, string Err) RefreshWith(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, "--no-build" }.Concat(args)) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }

    private const string Page = """
        # Title

        <!-- refresh greeting: printf 'hello\nworld\n' -->
        ```
        stale
        ```

        How to write one:

        ```
        <!-- refresh example: exit 1 -->
        ```

        <!-- refresh later slow: echo slow -->
        ```text
        kept
        ```

        """;

    [Fact]
    public void Rewrites_each_selected_block_and_nothing_else()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var page = tmp.File("page.md");
        File.WriteAllText(page, Page);

        var run = Refresh(page);

        Assert.True(run.Code == 0, run.Err);
        Assert.Equal(Page.Replace("```\nstale\n```", "```\nhello\nworld\n```"), File.ReadAllText(page));
        Assert.Equal(0, Refresh("--slow", page).Code);
        Assert.Contains("```text\nslow\n```", File.ReadAllText(page));
    }

    [Fact]
    public void Check_mode_fails_with_a_diff_and_leaves_the_file_alone()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var page = tmp.File("page.md");
        File.WriteAllText(page, Page);

        var check = Refresh("--check", "--only", "greeting", page);

        Assert.Equal(1, check.Code);
        Assert.Contains("-stale", check.Err);
        Assert.Contains("+hello", check.Err);
        Assert.Equal(Page, File.ReadAllText(page));
        Assert.Equal(2, Refresh("--check", "--only", "no-such-block", page).Code);
    }

    [Fact]
    public void A_failing_command_fails_the_refresh_and_names_the_block()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var page = tmp.File("page.md");
        File.WriteAllText(page, "<!-- refresh broken: echo partial; false -->\n```\nold\n```\n");

        var run = Refresh(page);

        Assert.Equal(1, run.Code);
        Assert.Contains("block broken failed", run.Err);
        Assert.Contains("old", File.ReadAllText(page));
    }

    /// <summary>Without a FILE the script takes README.md and then every docs/*.md holding a marker, so that a block
    /// moved into an evidence document is still rerun, checked and found by --only; no file is rewritten when a
    /// command fails in any of them.</summary>
    [Fact]
    public void Without_a_file_it_takes_the_readme_and_every_document_under_docs_with_a_marker()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        Directory.CreateDirectory(tmp.File("docs"));
        var script = tmp.File(Path.Combine("docs", "refresh.sh"));
        File.Copy(Script, script);
        File.WriteAllText(tmp.File("README.md"), "# Readme\n\n<!-- refresh greeting: echo hello -->\n```\nstale\n```\n");
        var evidence = tmp.File(Path.Combine("docs", "evidence.md"));
        File.WriteAllText(evidence, "# Evidence\n\n<!-- refresh figure: echo 42 -->\n```\nstale\n```\n");
        var plain = tmp.File(Path.Combine("docs", "plain.md"));
        File.WriteAllText(plain, "# No markers\n");

        var check = RefreshWith(script, "--check", "--only", "figure");
        Assert.Equal(1, check.Code);
        Assert.Contains("+42", check.Err);
        Assert.Contains("docs/evidence.md", check.Err);

        var broken = tmp.File(Path.Combine("docs", "zz-broken.md"));
        File.WriteAllText(broken, "<!-- refresh broken: false -->\n```\nold\n```\n");
        Assert.Equal(1, RefreshWith(script).Code);
        Assert.Contains("stale", File.ReadAllText(tmp.File("README.md")));
        Assert.Contains("stale", File.ReadAllText(evidence));
        File.Delete(broken);

        var run = RefreshWith(script);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("```\nhello\n```", File.ReadAllText(tmp.File("README.md")));
        Assert.Contains("```\n42\n```", File.ReadAllText(evidence));
        Assert.Equal("# No markers\n", File.ReadAllText(plain));
        Assert.Equal(0, RefreshWith(script, "--check").Code);
        Assert.Equal(2, RefreshWith(script, "--check", "--only", "no-such-block").Code);
    }

    /// <summary>A block that updates a file of the repository (the sweep's plot) does it through refresh_copy: with
    /// --check nothing is written (REFRESH_CHECK=1 is exported), and when rewriting the copy is made only after
    /// every block has succeeded, with the rewritten pages.</summary>
    [Fact]
    public void Refresh_copy_writes_only_when_rewriting_and_only_after_every_block_succeeded()
    {
        if (!File.Exists("/bin/bash")) return;
        using var tmp = new TempDirectory();
        var plot = tmp.File("plot.png");
        var copied = tmp.File("copied.png");
        File.WriteAllText(plot, "fresh plot");
        var page = tmp.File("page.md");
        var copying = $"<!-- refresh plot: refresh_copy '{plot}' '{copied}' && echo \"check=${{REFRESH_CHECK:-0}}\" -->\n```\nstale\n```\n";
        File.WriteAllText(page, copying);

        var check = Refresh("--check", page);
        Assert.Equal(1, check.Code);
        Assert.Contains("+check=1", check.Err);
        Assert.False(File.Exists(copied), "--check copied the file");
        Assert.Equal(copying, File.ReadAllText(page));

        File.WriteAllText(page, copying + "<!-- refresh broken: false -->\n```\nold\n```\n");
        Assert.Equal(1, Refresh(page).Code);
        Assert.False(File.Exists(copied), "a failed refresh copied the file");

        File.WriteAllText(page, copying);
        var run = Refresh(page);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("fresh plot", File.ReadAllText(copied));
        Assert.Contains("```\ncheck=0\n```", File.ReadAllText(page));

        File.Delete(plot);
        Assert.Equal(1, Refresh(page).Code);
    }

    /// <summary>CI checks the quick-start block by running its marker's command: that command must be the
    /// README's first command, so that what CI checks is what a new user runs.</summary>
    [Fact]
    public void The_quick_start_block_runs_the_readmes_first_command_in_the_deterministic_mode()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var first = Regex.Match(readme, "```bash\n(.+?)\n```").Groups[1].Value;
        var marker = Regex.Match(readme, "<!-- refresh quick-start: (.+) -->").Groups[1].Value;

        Assert.Equal(first, marker);
        Assert.Contains("--deterministic", marker);
        Assert.Contains("docs/refresh.sh --check --only quick-start", File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run")));
    }
}
