using System.Text.RegularExpressions;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Docs;

/// <summary>The README and the evidence documents under docs/ link to each other's sections: every relative link
/// must lead to a file that exists and, with a #fragment, to a heading of that file (GitHub's anchors: lower case,
/// punctuation dropped, spaces as hyphens), so that moving a section cannot leave a link pointing nowhere.</summary>
public partial class DocLinksTests
{
    [GeneratedRegex(@"\]\(([^)\s]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} ")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();

    [GeneratedRegex("^[a-z]+:")]
    private static partial Regex Scheme();

    private static IEnumerable<string> Documents() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order(StringComparer.Ordinal));

    /// <summary>GitHub's anchor of a heading line; a repeated anchor gets -1, -2, ... as GitHub numbers them.</summary>
    public static string Anchor(string heading) =>
        Punctuation().Replace(Heading().Replace(heading, "").Trim().ToLowerInvariant(), "").Replace(' ', '-');

    /// <summary>Lines outside fenced code blocks, with their numbers: what a Markdown renderer reads as text.</summary>
    private static IEnumerable<(int Number, string Text)> TextLines(string path)
    {
        var fence = false;
        var number = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            number++;
            if (line.StartsWith("```", StringComparison.Ordinal)) { fence = !fence; continue; }
            if (!fence) yield return (number, line);
        }
    }

    private static HashSet<string> Anchors(string path)
    {
        var seen = new Dictionary<string, int>();
        var anchors = new HashSet<string>();
        foreach (var (_, line) in TextLines(path))
        {
            if (!Heading().IsMatch(line)) continue;
            var anchor = Anchor(line);
            var n = seen.GetValueOrDefault(anchor);
            seen[anchor] = n + 1;
            anchors.Add(n == 0 ? anchor : $"{anchor}-{n}");
        }
        return anchors;
    }

    [Theory]
    [InlineData("## The README's figures (`docs/refresh.sh`)", "the-readmes-figures-docsrefreshsh")]
    [InlineData("## Output folders (`--out`)", "output-folders---out")]
    [InlineData("#### At fleet scale: planted K = 2,000 written with decimals", "at-fleet-scale-planted-k--2000-written-with-decimals")]
    public void Anchors_follow_githubs_rule(string heading, string anchor) => Assert.Equal(anchor, Anchor(heading));

    [Fact]
    public void Every_relative_link_leads_to_a_file_and_a_heading_that_exist()
    {
        var anchors = new Dictionary<string, HashSet<string>>();
        HashSet<string> AnchorsOf(string full) => anchors.TryGetValue(full, out var a) ? a : anchors[full] = Anchors(full);
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var doc in Documents())
        {
            var full = Path.Combine(RepoPaths.Root, doc);
            foreach (var (number, line) in TextLines(full))
            foreach (Match m in Link().Matches(line))
            {
                var target = m.Groups[1].Value;
                if (Scheme().IsMatch(target)) continue;
                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? target : target[..hash];
                var fragment = hash < 0 ? "" : target[(hash + 1)..];
                var resolved = file.Length == 0 ? full : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, file));
                if (!File.Exists(resolved) && !Directory.Exists(resolved)) broken.Add($"{doc}:{number}: {target}: no such file");
                else if (fragment.Length > 0 && (!resolved.EndsWith(".md", StringComparison.Ordinal) || !AnchorsOf(resolved).Contains(fragment)))
                    broken.Add($"{doc}:{number}: {target}: no such heading");
            }
        }
        Assert.True(checkedLinks > 50, $"only {checkedLinks} links found: the link pattern no longer matches");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }
}
