using System.Collections.Immutable;

namespace Consolidator.Importers.Prometheus;

/// <summary>One time series of a query's answer: its labels and its points in time order. Values are kept as
/// the server wrote them (NaN and ±Inf included): the importer decides what a usable sample is.</summary>
public sealed record PrometheusSeries(ImmutableDictionary<string, string> Labels, ImmutableArray<(long UnixSeconds, double Value)> Points)
{
    /// <summary>A series' labels as a message quotes them: <c>{name="value",...}</c> in name order, each value escaped as
    /// PromQL writes a string (a backslash and a double quote escaped, so that a value holding <c>",job="</c> cannot pass
    /// for another label), then bounded and cleaned as every quoted value is (<see cref="Quoted.Value(string?)"/>: control
    /// characters escaped, about 80 characters kept). The labels were written raw: a 5,000-character value ran the
    /// message to its 1,000-character cap and hid the other series.</summary>
    public static string Shown(IEnumerable<KeyValuePair<string, string>> labels) =>
        Quoted.Value("{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")) + "}");
}
