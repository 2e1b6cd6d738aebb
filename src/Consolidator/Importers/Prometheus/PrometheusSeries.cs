using System.Collections.Immutable;

namespace Consolidator.Importers.Prometheus;

/// <summary>One time series of a query's answer: its labels and its points in time order. Values are kept as
/// the server wrote them (NaN and ±Inf included): the importer decides what a usable sample is.</summary>
public sealed record PrometheusSeries(ImmutableDictionary<string, string> Labels, ImmutableArray<(long UnixSeconds, double Value)> Points);
