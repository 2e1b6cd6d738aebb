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
    [property: JsonPropertyName("values")] ApiPoints? Values,
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

/// <summary>A range query's points of one series, read straight from the answer into one array of (unix seconds, value),
/// 16 bytes a point where the answer's JSON takes about 37: as a list of <see cref="ApiPoint"/> (32 bytes each, a list
/// that grows by doubling) beside the whole answer's bytes, and then copied again into the series, an import peaked at
/// about 8 times the answer. A time is floored to whole seconds (saturated beyond a long, as <see cref="PrometheusClient"/>
/// reads any point); a time with a fraction keeps its exact value aside, for a message that quotes the point. The first
/// point that is not <c>[number, "value"]</c> or whose value is no number is kept as <see cref="ApiPoint"/> does, with its
/// index, so that the client names it where it named it before.</summary>
[JsonConverter(typeof(ApiPointsConverter))]
internal sealed class ApiPoints((long Time, double Value)[] points, Dictionary<int, double>? exactTimes, (int Index, ApiPoint Point)? problem)
{
    public (long Time, double Value)[] Points { get; } = points;

    public int Count => Points.Length;

    /// <summary>The first point not of the API's shape, or whose value is no number, and its index.</summary>
    public (int Index, ApiPoint Point)? Problem { get; } = problem;

    /// <summary>Point <paramref name="index"/> as the answer wrote it (its time unfloored), for a message.</summary>
    public ApiPoint Written(int index) =>
        new(exactTimes is not null && exactTimes.TryGetValue(index, out var t) ? t : Points[index].Time, Points[index].Value);

    /// <summary>A point's time in whole seconds: floored, and saturated beyond what a long counts.</summary>
    public static long Seconds(double time) => time >= long.MaxValue ? long.MaxValue : time <= long.MinValue ? long.MinValue : (long)Math.Floor(time);
}

internal sealed class ApiPointsConverter : JsonConverter<ApiPoints>
{
    /// <summary>Points are gathered here and copied once into an array of their exact count: a list per series, grown by
    /// doubling, allocated twice the points and left half of it empty.</summary>
    [ThreadStatic] private static List<(long, double)>? _scratch;

    private static readonly ApiPointConverter PointConverter = new();

    public override ApiPoints? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("could not be converted: the values are not an array");
        var points = _scratch ??= new List<(long, double)>(1024);
        points.Clear();
        Dictionary<int, double>? exact = null;
        (int, ApiPoint)? problem = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var point = PointConverter.Read(ref reader, typeof(ApiPoint), options);
            if (point.Raw is not null || point.Text is not null) problem ??= (points.Count, point);
            var seconds = ApiPoints.Seconds(point.Time);
            if (seconds != point.Time) (exact ??= [])[points.Count] = point.Time;
            points.Add((seconds, point.Value));
        }
        var array = points.ToArray();
        if (points.Capacity > 1 << 16) _scratch = null;
        return new ApiPoints(array, exact, problem);
    }

    public override void Write(Utf8JsonWriter writer, ApiPoints value, JsonSerializerOptions options) =>
        throw new NotSupportedException("points are only read");
}

[JsonSerializable(typeof(ApiResponse))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
