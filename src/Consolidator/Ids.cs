using System.Globalization;
using System.Text;

namespace Consolidator;

/// <summary>What an id (of a host, VM, image or rule) may hold. Ids are printed in summaries on a terminal and written
/// into generated scripts: a control character would end a line or reach the terminal as an escape sequence, and an
/// invisible formatting character (a bidirectional override, a zero-width character) makes text read differently from
/// what it is. Refused where ids enter (the dataset reader, the importers) and again by the script writers.</summary>
public static class Ids
{
    /// <summary>The most characters (Unicode scalar values) an id may hold: OpenStack's limit on server, hypervisor and
    /// image names (Nova's and Glance's API schemas), and what a file name holds on Linux (255 bytes, so an ASCII id can
    /// name a libvirt domain's config file). A 3 MB id was planned, printed and written into scripts as it stood.</summary>
    public const int MaxLength = 255;

    /// <summary>What a rule name is called in reasons: a rule's name is printed, never passed to a manager's CLI, so it
    /// may start with '-'.</summary>
    public const string RuleName = "a rule name";

    /// <summary>Why <paramref name="id"/> cannot be an id, or null: starts with '-', '=', '+' or '@' (not for a <see cref="RuleName"/>), longer than <see cref="MaxLength"/>, or a character an error message would escape
    /// (<see cref="Quoted"/>'s rule: control, lone surrogate, line or paragraph separator, format), located by its
    /// 1-based character position. <paramref name="what"/> names the value in the reason ("a rule name").</summary>
    public static string? Problem(string id, string what = "an id")
    {
        // Refused where the id enters, not only by `export`: "--undefinesource" was read, planned and simulated, and only
        // the export of a finished plan refused it, pointing at simulation.json instead of the file that defined it.
        if (id.StartsWith('-') && what != RuleName)
            return $"{what} must not start with '-': virsh and the openstack CLI, which the migration scripts call with ids as arguments, would read it as an option; rename it";
        // OWASP's CSV injection: a spreadsheet reads a field that starts with '=', '+' or '@' ('-' above; tab and CR are
        // control characters) as a formula. Ids are written into plan.csv, allocation.csv, simulation.csv and images.csv,
        // which operators open in one: a VM '=HYPERLINK("http://...","vm-1")' was planned and written as it stood.
        if (id.Length > 0 && id[0] is '=' or '+' or '@' && what != RuleName)
            return $"{what} must not start with '{id[0]}': a spreadsheet opening the CSV files the id is written into (plan.csv, allocation.csv, simulation.csv, images.csv) would run it as a formula; rename it";
        if (id.Length > MaxLength && id.EnumerateRunes().Count() is var length and > MaxLength)
            return string.Create(CultureInfo.InvariantCulture, $"{what} must be at most {MaxLength} characters (this one has {length})");
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1])) { i++; continue; }
            if (Quoted.NeedsEscape(c))
                return string.Create(CultureInfo.InvariantCulture, $"{what} must not hold control or invisible formatting characters (U+{(int)c:X4} at character {i + 1})");
            // The replacement character is what the reader decodes a byte that is not UTF-8 to (a Latin-1 'é'): the id
            // became 'h-sm\uFFFDll-01' in the plan and in the scripts, a host no hypervisor knows.
            if (c == '\uFFFD')
                return string.Create(CultureInfo.InvariantCulture, $"{what} must not hold U+FFFD (at character {i + 1}): a byte that is not UTF-8, or the replacement character itself; save the file as UTF-8");
        }
        return Ascii(id) ? null : LookAlike(id, what);
    }

    /// <summary>What separates the ids of a rule's list in constraints.csv ("web-1;web-2").</summary>
    public const char ListSeparator = ';';

    /// <summary>Why <paramref name="id"/> cannot be a host's or a VM's id, or null: <see cref="Problem"/>'s reasons, and a
    /// <see cref="ListSeparator"/>, with which constraints.csv could never name it. "a;b" was read, planned and scripted
    /// as one VM, and a rule naming it failed as "unknown VM id 'a'", an id nobody wrote.</summary>
    public static string? HostOrVmProblem(string id, string what = "an id") =>
        Problem(id, what) ?? (id.IndexOf(ListSeparator) is var at and >= 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"{what} of a host or VM must not hold '{ListSeparator}' (at character {at + 1}): constraints.csv separates the ids of a rule by '{ListSeparator}', so no rule could name it; rename it")
            : null);

    /// <summary>What to add to "unknown ..." for <paramref name="id"/> when <paramref name="file"/> defines an id that
    /// differs from it only in case, or "": ids are matched as written (virsh and Nova compare names byte for byte), and
    /// "unknown host 'H1'" beside a host 'h1' did not say why. Looked for on the error's path only.</summary>
    public static string CaseHint(string id, IEnumerable<string> known, string file) =>
        known.FirstOrDefault(k => k != id && string.Equals(k, id, StringComparison.OrdinalIgnoreCase)) is { } other
            ? $" ({file} has '{Quoted.Value(other)}', which differs only in case: ids are matched as written)"
            : "";

    /// <summary>What to add to "unknown ..." for <paramref name="id"/>: why it may read as a known id it is not (a
    /// look-alike or decomposed id refused where ids are defined, met here where one is referred to), or "".</summary>
    public static string UnknownHint(string id) =>
        Ascii(id) || (Problem(id) ?? WholeScriptLookAlike(id)) is not { } why ? "" : $" (it may look like one: {why})";

    /// <summary>A word of <paramref name="id"/> written wholly in letters of one script that all look like Latin ones
    /// (Cyrillic "рос" reads as Latin "poc"; UTS #39's whole-script confusables), and why; or null. Not refused on its
    /// own: "рос" is a Cyrillic word, and a Cyrillic fleet names its VMs in Cyrillic. It misleads only among Latin ids,
    /// where the reader takes it for one (Chrome shows such an IDN host as punycode only under a Latin-script domain, for
    /// the same reason): the dataset reader refuses it when the same column holds ids with Latin letters.</summary>
    public static string? WholeScriptLookAlike(string id, string what = "an id")
    {
        if (Ascii(id) || Problem(id, what) is not null) return null;
        foreach (var (start, length) in Words(id))
            if (Confusable(id, start, length, what) is { } reason) return reason;
        return null;
    }

    /// <summary>True when <paramref name="id"/> holds a Latin letter (ASCII: the look-alikes' other script).</summary>
    public static bool HasLatinLetter(string id)
    {
        foreach (var c in id) if (char.IsAsciiLetter(c)) return true;
        return false;
    }

    /// <summary>How <paramref name="id"/> reads: each letter that UTS #39's whole-script confusable sets (ENSIP-15's
    /// "wholes", as ENSNormalize holds them) put beside a Latin letter replaced by that letter, an upper-case one through
    /// its lower case ("рс-1" reads "pc-1"); every other character kept. Two different ids that read the same are
    /// confused by whoever reads the plan or a script, whatever they name (a VM and a host).</summary>
    public static string Reading(string id)
    {
        if (Ascii(id)) return id;
        var chars = id.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var lower = char.ToLowerInvariant(chars[i]);
            if (lower >= 0x80 && LatinLookAlikes.Value.TryGetValue(lower, out var latin))
                chars[i] = lower == chars[i] ? latin : char.ToUpperInvariant(latin);
        }
        return new string(chars);
    }

    /// <summary>Why <paramref name="id"/> (a <paramref name="what"/>) would be confused with <paramref name="other"/> (a
    /// <paramref name="otherWhat"/> of the file <paramref name="otherFile"/>), or null: different ids that read the same.</summary>
    public static string? ReadsAs(string id, string what, string other, string otherWhat, string otherFile) =>
        id != other && Reading(id) == Reading(other)
            ? $"{what} reads the same as {otherWhat} '{Quoted.Value(other)}' of {otherFile} but is a different id (letters of another script that look Latin): the plan, its reports and the migration scripts would show both alike; rename one"
            : null;

    /// <summary>Each non-Latin letter of a whole-script confusable set that holds exactly one ASCII letter, to that letter.</summary>
    private static readonly Lazy<Dictionary<char, char>> LatinLookAlikes = new(() =>
    {
        var map = new Dictionary<char, char>();
        foreach (var whole in ADRaffy.ENSNormalize.ENSNormalize.ENSIP15.Wholes)
        {
            var ascii = whole.Valid.Concat(whole.Confused).Where(c => c < 0x80 && char.IsAsciiLetter((char)c)).Distinct().ToArray();
            if (ascii.Length != 1) continue;
            foreach (var c in whole.Valid.Concat(whole.Confused))
                if (c is >= 0x80 and <= char.MaxValue) map.TryAdd((char)c, (char)ascii[0]);
        }
        return map;
    });

    private static string? Confusable(string id, int start, int length, string what)
    {
        var word = id.Substring(start, length);
        return ScriptError(word) is ADRaffy.ENSNormalize.ConfusableException confused && confused.OtherGroup.Name == "Latin"
            ? string.Create(CultureInfo.InvariantCulture,
                $"{what} must not hold a word written in {confused.Group.Name} letters that all look like {confused.OtherGroup.Name} ones ('{Quoted.Value(word)}' at character {start + 1}) among ids with Latin letters: it reads as a {confused.OtherGroup.Name} id it is not")
            : null;
    }

    /// <summary>The letters and digits between ASCII punctuation, as (start, length): the unit UTS #39's script rules
    /// judge, so that "web-сервер" is two words, one Latin and one Cyrillic, not a mixture.</summary>
    private static IEnumerable<(int Start, int Length)> Words(string id)
    {
        var start = 0;
        for (var i = 0; i <= id.Length; i++)
        {
            if (i < id.Length && (id[i] >= 0x80 || char.IsAsciiLetterOrDigit(id[i]))) continue;
            if (i > start) yield return (start, i - start);
            start = i + 1;
        }
    }

    /// <summary>Why ENSIP-15 (UTS #39's script rules, as ENSNormalize holds them) refuses a non-ASCII word, or null.
    /// ENS's other rules (disallowed characters, label forms) are for its own names, not for ids: not reported.</summary>
    private static object? ScriptError(string word)
    {
        if (Ascii(word)) return null;
        try
        {
            // 'İ' (U+0130, Turkish) lowers to 'i' and a combining dot above (Unicode's full mapping, which ENSIP-15 uses), and
            // that dot was then judged a mark of another script: 'İstanbul-01' was refused as mixing "Latin letters with
            // Hebrew". Judged as the 'i' it lowers to under the simple mapping; the id itself is never rewritten.
            ADRaffy.ENSNormalize.ENSNormalize.ENSIP15.Normalize(word.Replace('\u0130', 'i'));
            return null;
        }
        catch (ADRaffy.ENSNormalize.InvalidLabelException e)
        {
            return e.Error;
        }
        catch (ADRaffy.ENSNormalize.NormException) { return null; }
    }

    private static bool Ascii(string id)
    {
        foreach (var c in id) if (c >= 0x80) return false;
        return true;
    }

    /// <summary>Why a non-ASCII id would read as another, or null. Ids are compared, planned and written into scripts
    /// byte for byte, as virsh and Nova compare names, so the tool never rewrites one; instead what would mislead a reader
    /// is refused, by Unicode's rules for identifiers (UTS #39, as browsers show IDN host names and as ENS names are
    /// checked; ENSNormalize holds the data):
    /// <list type="bullet">
    /// <item>not in NFC: "cafe" + U+0301 and "café" are one name on screen and two ids (a file name copied from macOS is
    /// decomposed);</item>
    /// <item>a word (the letters and digits between ASCII punctuation) that mixes scripts which share glyphs, Latin with
    /// Cyrillic or Greek: "vm-1а" with a Cyrillic 'а' planned and scripted as a VM other than "vm-1a";</item>
    /// <item>a word written wholly in letters of one script that all look like another's non-Latin script's.</item></list>
    /// Words in one script ("сервер", "名前", and "рос", whose letters all look Latin: see <see cref="WholeScriptLookAlike"/>)
    /// are ids like any other. Control and invisible characters are refused before (<see cref="Problem"/>).</summary>
    private static string? LookAlike(string id, string what)
    {
        var nfc = ADRaffy.ENSNormalize.ENSNormalize.NF.NFC(id);
        if (nfc != id)
        {
            // The stretch that differs: a letter and the mark written apart from it, or marks in another order.
            int at = 0, end = 0;
            while (at < id.Length && at < nfc.Length && id[at] == nfc[at]) at++;
            while (end < id.Length - at && end < nfc.Length - at && id[^(end + 1)] == nfc[^(end + 1)]) end++;
            var codes = string.Join(" ", id[at..(id.Length - end)].Select(c => string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")).Take(4));
            return string.Create(CultureInfo.InvariantCulture,
                $"{what} must be in Unicode NFC (composed form): from character {at + 1} ({codes}) it is written decomposed, which looks the same as the composed id but is a different name to virsh, OpenStack and this tool; save the file in NFC");
        }
        if (CompatibilityForm(id, what) is { } form) return form;
        foreach (var (start, length) in Words(id))
            if (WordProblem(id, start, length, what) is { } problem) return problem;
        return null;
    }

    /// <summary>Why <paramref name="id"/> holds a compatibility form of ASCII text, or null: a character that Unicode
    /// folds (NFKC and case folding, as UTS #46 and ENSIP-15 map it) to plain letters or digits it is not: the ligature 'ﬁ'
    /// (U+FB01, "fi"), fullwidth 'Ｖ' ("v"), '²' ("2"), the Kelvin sign ("k"), 'Ⅻ' ("xii"). UTS #39's General Security
    /// Profile leaves every such character out of identifiers (Identifier_Type Not_NFKC): "ﬁle" and "file" read the
    /// same and were planned and scripted as two VMs. Non-Latin letters with forms of their own (halfwidth katakana)
    /// are left to the script rules below.</summary>
    private static string? CompatibilityForm(string id, string what)
    {
        var at = 0;
        foreach (var rune in id.EnumerateRunes())
        {
            at++;
            if (rune.IsAscii) continue;
            string folded;
            try
            {
                folded = ADRaffy.ENSNormalize.ENSNormalize.ENSIP15.NormalizeFragment(rune.ToString());
            }
            catch (Exception e) when (e is ADRaffy.ENSNormalize.NormException or ADRaffy.ENSNormalize.InvalidLabelException)
            {
                // A character ENSIP-15 disallows: a compatibility form of ASCII text it does not map, or one the script rules judge.
                if (DisallowedAsciiForm(rune) is not { } reads) continue;
                return string.Create(CultureInfo.InvariantCulture,
                    $"{what} must not hold '{rune}' (U+{rune.Value:X4} at character {at}), a compatibility form that reads as {reads}: write {(reads == "a space" ? "a plain space" : reads)} (an id that reads as another is a different name to virsh, OpenStack and this tool)");
            }
            // A character that is not ASCII yet folds to ASCII reads as that ASCII text, a case included (the Kelvin sign).
            if (folded.Length == 0 || !Ascii(folded)) continue;
            return string.Create(CultureInfo.InvariantCulture,
                $"{what} must not hold '{rune}' (U+{rune.Value:X4} at character {at}), a compatibility form that reads as '{folded}': write '{folded}' (an id that reads as another is a different name to virsh, OpenStack and this tool)");
        }
        return null;
    }

    /// <summary>What <paramref name="rune"/> reads as when it is a compatibility form of ASCII text that ENSIP-15 disallows
    /// outright, so that its mapping (<see cref="CompatibilityForm"/>) never sees it: "a space" for every space but U+0020
    /// (no-break, en, ideographic, ...: "vm 1" with U+00A0 and "vm 1" were two VMs), the ASCII character a fullwidth one
    /// stands for (U+FF01-FF5E are U+0021-007E, Unicode's Halfwidth and Fullwidth Forms block: "vm．1" beside "vm.1"), or
    /// "ASCII text" for the rest; null otherwise. .NET has no NFKC in invariant globalization mode (Normalize returns the
    /// text unchanged), so the rest are ranges: every code point whose NFKC form is ASCII (Unicode 14.0's
    /// UnicodeData.txt decompositions, as Python 3.11's unicodedata applies them: 1,403) was run through this check, and
    /// these ranges hold the 279 that passed it, widened to the whole run of like forms around them (superscripts and
    /// subscripts, parenthesised and full-stop digits and letters, vertical, small and CJK compatibility forms of
    /// punctuation, modifier letters, dot leaders, the 'st' ligatures). IdCompatibilityFormTests derives the forms again
    /// from the UnicodeData.txt installed (Debian's unicode-data, 15.0: the same 1,403) and fails on any the ranges miss.</summary>
    private static string? DisallowedAsciiForm(Rune rune)
    {
        var c = rune.Value;
        if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator) return "a space";
        if (c is >= 0xFF01 and <= 0xFF5E) return $"'{(char)(c - 0xFEE0)}'";
        foreach (var (first, last) in AsciiFormRanges)
            if (c >= first && c <= last) return "ASCII text";
        return null;
    }

    private static readonly (int First, int Last)[] AsciiFormRanges =
    [
        (0x00AA, 0x00AA), (0x00B9, 0x00BA), // feminine ordinal, superscript one, masculine ordinal
        (0x02B0, 0x02B8), (0x02E0, 0x02E4), // modifier letters: superscript h, j, r, w, y, l, s, x
        (0x1D2C, 0x1D6A), (0x1D9B, 0x1DBF), // phonetic extensions: superscript and subscript letters
        (0x2024, 0x2026), (0x203C, 0x203C), (0x2047, 0x2049), // dot leaders, ellipsis, doubled ! and ?
        (0x2070, 0x209F), // superscripts and subscripts
        (0x2100, 0x2101), (0x2105, 0x2106), // a/c, a/s, c/o, c/u
        (0x2474, 0x24B5), // parenthesised digits and letters, digits with a full stop
        (0x2A74, 0x2A76), // ::=, ==, ===
        (0x2C7C, 0x2C7D), (0xA7F2, 0xA7F4), (0x10780, 0x107BA), // more modifier letters
        (0x33C2, 0x33C2), (0x33C7, 0x33C7), (0x33D8, 0x33D8), // a.m., Co., p.m.
        (0xFB05, 0xFB06), (0xFB29, 0xFB29), // the 'st' ligatures, Hebrew alternative plus
        (0xFE10, 0xFE19), (0xFE30, 0xFE4F), (0xFE50, 0xFE6B), // vertical, CJK compatibility and small forms
        (0x1F100, 0x1F12F), // digits with a comma, parenthesised letters
    ];

    private static string? WordProblem(string id, int start, int length, string what)
    {
        var word = id.Substring(start, length);
        switch (ScriptError(word))
        {
            case ADRaffy.ENSNormalize.IllegalMixtureException mixed:
                var at = word.IndexOf(char.ConvertFromUtf32(mixed.Codepoint), StringComparison.Ordinal);
                var where = at < 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" at character {start + at + 1}");
                return string.Create(CultureInfo.InvariantCulture,
                    $"{what} must not mix {mixed.Group.Name} letters with {mixed.OtherGroup?.Name ?? "another script's"} in one word ('{Quoted.Value(word)}': U+{mixed.Codepoint:X4}{where}): such letters look alike, so the id reads as another");
            // Looking Latin is judged among the other ids (WholeScriptLookAlike): a Cyrillic fleet is not refused for "рос".
            case ADRaffy.ENSNormalize.ConfusableException confused when confused.OtherGroup.Name != "Latin":
                return string.Create(CultureInfo.InvariantCulture,
                    $"{what} must not hold a word written in {confused.Group.Name} letters that all look like {confused.OtherGroup.Name} ones ('{Quoted.Value(word)}' at character {start + 1}): it reads as a {confused.OtherGroup.Name} id it is not");
            default:
                return null;
        }
    }
}
