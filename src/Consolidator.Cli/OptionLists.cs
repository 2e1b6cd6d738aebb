using System.Collections.Immutable;

namespace Consolidator.Cli;

/// <summary>The comma lists options take (sweep's <c>--percentile 90,95,100</c>, bench's <c>--family</c>,
/// <c>--fail-on slo,overload</c>): every item there, each once. An empty item (<c>95,,90</c>, a leading or trailing
/// comma, a blank) was dropped without a word and a repeated one ran twice, so that a typo ran another grid than the
/// one meant; both are refused with the option and the item's position.</summary>
internal static class OptionLists
{
    public static ImmutableArray<string> Items(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items is [""]) throw new FormatException($"{option}: the list is empty; give at least one value");
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Length == 0)
                throw new FormatException($"{option}: item {i + 1} of '{Quoted.Value(text)}' is empty (a doubled, leading or trailing comma?)");
            var first = Array.IndexOf(items, items[i]);
            if (first < i)
                throw new FormatException($"{option}: item {i + 1} of '{Quoted.Value(text)}' repeats item {first + 1} ('{Quoted.Value(items[i])}')");
        }
        return [.. items];
    }
}
