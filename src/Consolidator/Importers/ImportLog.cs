using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Datasets;

namespace Consolidator.Importers;

/// <summary>Collects bad rows and counted quirks during an import. Strict, the first bad row is fatal.</summary>
internal sealed class ImportLog(bool strict)
{
    public const int MaxListed = 20;

    private readonly List<BadRow> _listed = [];
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    public long BadRowCount { get; private set; }

    /// <summary>A row that cannot be used. Never dropped silently: counted, listed while the list is short,
    /// fatal when strict.</summary>
    public void Bad(string file, int line, string? column, int columnNumber, string? value, string problem)
    {
        if (strict) throw new InputException(file, line, column, columnNumber, value, problem + " (--strict)");
        BadRowCount++;
        if (_listed.Count < MaxListed)
            _listed.Add(new BadRow(file, line, column, columnNumber, InputException.Description(value, problem)));
    }

    /// <summary>Counts one occurrence of a legal quirk; <paramref name="key"/> is the note's text with {0} for the count.</summary>
    public void Count(string key, long n = 1) => _counts[key] = _counts.GetValueOrDefault(key) + n;

    public void Note(string text) => _notes.Add(text);

    public ImmutableArray<BadRow> Listed => [.. _listed];

    public ImmutableArray<string> Notes => [.. Counted, .. _notes];

    /// <summary>The counted quirks alone, e.g. for an error that nothing was usable: what made it so.</summary>
    public IEnumerable<string> Counted => _counts.Select(kv => string.Format(CultureInfo.InvariantCulture, kv.Key, kv.Value));
}
