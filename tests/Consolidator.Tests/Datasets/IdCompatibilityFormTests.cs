using System.Globalization;

namespace Consolidator.Tests.Datasets;

/// <summary>Ids.cs holds the compatibility forms of ASCII that ENSIP-15 disallows outright as ranges, since .NET has no
/// NFKC in invariant globalization mode. The ranges were found once (Unicode 14.0, through Python's unicodedata) and
/// would go stale with the next Unicode version without a word. Here they are checked against Unicode's own data, as
/// Debian's unicode-data package installs it: every code point whose NFKC form is ASCII text must be refused in an id.</summary>
public class IdCompatibilityFormTests
{
    private const string UnicodeData = "/usr/share/unicode/UnicodeData.txt";

    /// <summary>Each code point's decomposition mapping (field 5 of UnicodeData.txt, canonical or compatibility; the
    /// &lt;tag&gt; dropped). NFKC applies both kinds, recursively.</summary>
    private static Dictionary<int, int[]> Decompositions(string path)
    {
        var map = new Dictionary<int, int[]>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(';');
            if (fields.Length < 6 || fields[5].Length == 0) continue;
            var parts = fields[5].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0].StartsWith('<')) parts = parts[1..];
            map[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                [.. parts.Select(p => int.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
        }
        return map;
    }

    private static IEnumerable<int> Full(int c, Dictionary<int, int[]> map) =>
        map.TryGetValue(c, out var parts) ? parts.SelectMany(p => Full(p, map)) : [c];

    /// <summary>The non-ASCII code points whose NFKC form is ASCII text: their full decomposition is all ASCII (composition
    /// then changes nothing, since no ASCII character is a combining mark, and never makes ASCII of what is not).</summary>
    private static List<(int CodePoint, string Reads)> AsciiForms(string path)
    {
        var map = Decompositions(path);
        var forms = new List<(int, string)>();
        foreach (var c in map.Keys.Where(c => c >= 0x80).Order())
        {
            var full = Full(c, map).ToArray();
            if (full.All(p => p < 0x80)) forms.Add((c, string.Concat(full.Select(p => (char)p))));
        }
        return forms;
    }

    [SkippableFact]
    public void Every_code_point_whose_nfkc_form_is_ascii_is_refused_in_an_id()
    {
        Skip.IfNot(File.Exists(UnicodeData), $"{UnicodeData} is absent (apt-get install unicode-data): the NFKC forms cannot be derived here");
        var forms = AsciiForms(UnicodeData);
        // Unicode 14.0 has 1,403 such code points, 15.0 the same: a parse that found few would prove nothing.
        Assert.True(forms.Count >= 1400, $"only {forms.Count} NFKC-to-ASCII code points found in {UnicodeData}");

        // In the middle of an id, and alone after a letter: "vm" + form + "1" and "x" + form.
        var passed = forms.Where(f => Ids.Problem("vm" + char.ConvertFromUtf32(f.CodePoint) + "1") is null
                                      || Ids.Problem("x" + char.ConvertFromUtf32(f.CodePoint)) is null)
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"U+{f.CodePoint:X4} ('{f.Reads}')")).ToList();

        Assert.True(passed.Count == 0, $"{passed.Count} of {forms.Count} compatibility forms of ASCII pass as ids: {string.Join(", ", passed.Take(40))}");
    }

    /// <summary>The other way: what the ranges refuse beyond the forms themselves is the run of like forms around them
    /// (superscript letters whose NFKC is a non-ASCII letter, say), never a letter of a script that ids are written in.</summary>
    [Theory]
    [InlineData("сервер-01")]
    [InlineData("名前-1")]
    [InlineData("São-Paulo")]
    [InlineData("サーバー・1")]
    [InlineData("vm°1")]
    [InlineData("straße-1")]
    [InlineData("Ελλάδα-1")]
    [InlineData("שרת-1")]
    public void Ids_in_a_script_are_not_compatibility_forms(string id) => Assert.Null(Ids.Problem(id));
}
