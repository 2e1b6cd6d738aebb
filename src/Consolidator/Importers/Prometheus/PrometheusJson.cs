using System.Text.Json;
using System.Text.Json.Serialization;

namespace Consolidator.Importers.Prometheus;

/// <summary>The body of a Prometheus HTTP API answer (https://prometheus.io/docs/prometheus/latest/querying/api/):
/// <c>{"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},"values":[[t,"v"],...]}]}}</c>,
/// or <c>{"status":"error","errorType":...,"error":...}</c>. A vector (instant query) has one <c>value</c> per
/// series instead of <c>values</c>.</summary>
internal sealed record ApiResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("data")] ApiData? Data,
    [property: JsonPropertyName("errorType")] string? ErrorType,
    [property: JsonPropertyName("error")] string? Error);

internal sealed record ApiData(
    [property: JsonPropertyName("resultType")] string ResultType,
    [property: JsonPropertyName("result")] List<ApiSeries> Result);

/// <summary>One series. A point is <c>[unix seconds as a number, value as a string]</c>: the value is text so
/// that NaN and ±Inf survive JSON, and Go writes it as the shortest decimal that reads back to the same
/// float64.</summary>
internal sealed record ApiSeries(
    [property: JsonPropertyName("metric")] Dictionary<string, string> Metric,
    [property: JsonPropertyName("values")] List<JsonElement>? Values,
    [property: JsonPropertyName("value")] JsonElement? Value);

[JsonSerializable(typeof(ApiResponse))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
