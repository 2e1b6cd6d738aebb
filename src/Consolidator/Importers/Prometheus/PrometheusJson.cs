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
    [property: JsonPropertyName("values")] List<ApiPoint>? Values,
    [property: JsonPropertyName("value")] ApiPoint? Value);

/// <summary>One point as read: its time and value, or, for a point that is not <c>[number, "decimal"]</c>, its JSON text
/// (<see cref="Raw"/>), or for a value that is not a number its text (<see cref="Text"/>), so that the client can say
/// which. Read by <see cref="ApiPointConverter"/> straight from the answer: as a JsonElement each point was a JsonDocument
/// of its own, and an answer took about 18 times its size in memory (a 122 MB answer of 20,000 series x 289 points, a
/// real Prometheus's, peaked at 2.27 GB), so the 256 MiB an answer may hold would have taken some 4.7 GB.</summary>
[JsonConverter(typeof(ApiPointConverter))]
internal readonly record struct ApiPoint(double Time, double Value, string? Text = null, string? Raw = null);

internal sealed class ApiPointConverter : JsonConverter<ApiPoint>
{
    public override ApiPoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var start = reader;
        if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.Number
            && reader.TryGetDouble(out var time) && double.IsFinite(time) && reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            // Parsed where it lies; the text is kept (a string) only for a value that is not a number, for its message.
            Span<char> chars = stackalloc char[64];
            var value = reader.ValueSpan.Length <= chars.Length && !reader.ValueIsEscaped
                ? Value(chars[..reader.CopyString(chars)]) : Value(reader.GetString());
            var text = value is null ? reader.GetString() : null;
            if (reader.Read() && reader.TokenType == JsonTokenType.EndArray)
                return new ApiPoint(time, value ?? 0, text);
        }
        // Not [time, "value"]: read again from its start, whole, for the message.
        reader = start;
        using var point = JsonDocument.ParseValue(ref reader);
        return new ApiPoint(0, 0, null, point.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, ApiPoint value, JsonSerializerOptions options) =>
        throw new NotSupportedException("points are only read");

    /// <summary>The API's value text as a number: decimal text, NaN, +Inf or -Inf; null for anything else.</summary>
    private static double? Value(ReadOnlySpan<char> text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
    };
}

[JsonSerializable(typeof(ApiResponse))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
