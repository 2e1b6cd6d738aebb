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
/// index, so that the client names it where it named it before.
/// A collection System.Text.Json fills point by point (its own collection reading, which reads an array as it arrives),
/// not a converter of the whole array: a converter of its own is handed a value only once all of it is in the reader's
/// buffer, so one series as large as an answer may be (256 MiB, from a server that is not Prometheus) was buffered
/// whole, the buffer doubled to hold it, then listed and copied: peak 1,113 MiB where 250 MiB over many series took
/// 212 (docs/prometheus-one-series.sh). A series with more points than expected (<see cref="Expect"/>: one per step
/// asked for) is refused as it is read.</summary>
internal sealed class ApiPoints : ICollection<ApiPoint>
{
    [ThreadStatic] private static int? _expected;

    /// <summary>Points are gathered here and copied once into an array of their exact count: an array per series grown
    /// by doubling allocated about twice the points (a test counts it). One series is read at a time on a thread, so the
    /// one being filled holds the list; the next one made, or the first read of <see cref="Points"/>, seals it.</summary>
    [ThreadStatic] private static List<(long, double)>? _scratch;

    [ThreadStatic] private static ApiPoints? _filling;

    private (long Time, double Value)[]? _points;
    private int _count;
    private readonly int? _limit = _expected;
    private Dictionary<int, double>? _exactTimes;

    public ApiPoints()
    {
        _filling?.Seal();
        _filling = this;
        (_scratch ??= new List<(long, double)>(1024)).Clear();
    }

    /// <summary>While the returned scope lasts, a series read on this thread holds at most <paramref name="points"/>
    /// points: a range query is answered with one point per step asked for, at most.</summary>
    public static IDisposable Expect(int points)
    {
        _expected = points;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => _expected = null;
    }

    /// <summary>The points, in the answer's order. Read on the thread that parsed them.</summary>
    public (long Time, double Value)[] Points
    {
        get
        {
            Seal();
            return _points!;
        }
    }

    private void Seal()
    {
        if (_points is not null) return;
        if (_filling != this) throw new InvalidOperationException("a series' points are read on the thread that parsed them");
        _points = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratch)[.._count].ToArray();
        if (_scratch!.Capacity > 1 << 16) _scratch = null;
        _filling = null;
    }

    public int Count => _count;

    /// <summary>The first point not of the API's shape, or whose value is no number, and its index.</summary>
    public (int Index, ApiPoint Point)? Problem { get; private set; }

    /// <summary>Point <paramref name="index"/> as the answer wrote it (its time unfloored), for a message.</summary>
    public ApiPoint Written(int index) =>
        new(_exactTimes is not null && _exactTimes.TryGetValue(index, out var t) ? t : Points[index].Time, Points[index].Value);

    /// <summary>A point's time in whole seconds: floored, and saturated beyond what a long counts.</summary>
    public static long Seconds(double time) => time >= long.MaxValue ? long.MaxValue : time <= long.MinValue ? long.MinValue : (long)Math.Floor(time);

    public void Add(ApiPoint point)
    {
        if (_count == _limit) throw new TooManyPointsException(_limit.Value);
        if (point.Raw is not null || point.Text is not null) Problem ??= (_count, point);
        var seconds = Seconds(point.Time);
        if (seconds != point.Time) (_exactTimes ??= [])[_count] = point.Time;
        if (_points is not null || _filling != this) throw new InvalidOperationException("a series' points are added while it is read");
        _scratch!.Add((seconds, point.Value));
        _count++;
    }

    public bool IsReadOnly => false;

    public void Clear() => throw new NotSupportedException("points are only read");

    public bool Contains(ApiPoint item) => throw new NotSupportedException("points are only read");

    public void CopyTo(ApiPoint[] array, int arrayIndex) => throw new NotSupportedException("points are only read");

    public bool Remove(ApiPoint item) => throw new NotSupportedException("points are only read");

    public IEnumerator<ApiPoint> GetEnumerator() => throw new NotSupportedException("points are only read");

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A series of a range query's answer with more points than <see cref="Limit"/>, the steps asked for.</summary>
internal sealed class TooManyPointsException(int limit) : Exception($"more than {limit} points in one series")
{
    public int Limit { get; } = limit;
}

[JsonSerializable(typeof(ApiResponse))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
