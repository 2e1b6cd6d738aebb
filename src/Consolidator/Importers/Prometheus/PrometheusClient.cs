using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Consolidator.Importers.Prometheus;

/// <summary>Reads series from a Prometheus server over its HTTP API (<c>/api/v1/query_range</c> and
/// <c>/api/v1/query</c>, form-encoded POST so that long queries fit). Any failure (no answer, an HTTP error, an
/// error the server reports, a body that is not the API's JSON) is an <see cref="InputException"/> that names
/// the URL and the query.</summary>
public sealed class PrometheusClient : IDisposable
{
    /// <summary>Prometheus refuses a range query of more than 11,000 points per series; a long period is asked
    /// for in pieces of at most this many steps.</summary>
    public const int MaxStepsPerQuery = 10_000;

    private readonly HttpClient _http;
    private readonly Uri _base;

    public PrometheusClient(Uri url, TimeSpan timeout)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new InputException(url.ToString(), 0, null, 0, null, "--url must be an http:// or https:// address of a Prometheus server");
        _base = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        _http = new HttpClient { Timeout = timeout };
    }

    /// <summary>The query evaluated at start, start + step, ..., end (both ends included), in pieces of at most
    /// <see cref="MaxStepsPerQuery"/> steps; a series' points from every piece, in time order.</summary>
    public IReadOnlyList<PrometheusSeries> Range(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var bySeries = new Dictionary<string, (ImmutableDictionary<string, string> Labels, List<(long, double)> Points)>(StringComparer.Ordinal);
        var stepSeconds = (long)step.TotalSeconds;
        for (var from = start.ToUnixTimeSeconds(); from <= end.ToUnixTimeSeconds(); from += stepSeconds * MaxStepsPerQuery)
        {
            var to = Math.Min(end.ToUnixTimeSeconds(), from + stepSeconds * (MaxStepsPerQuery - 1));
            var data = Ask("api/v1/query_range", query, [("start", Seconds(from)), ("end", Seconds(to)), ("step", Seconds(stepSeconds))]);
            foreach (var s in data.Result)
            {
                var key = Key(s.Metric);
                if (!bySeries.TryGetValue(key, out var entry))
                    bySeries[key] = entry = (s.Metric.ToImmutableDictionary(StringComparer.Ordinal), []);
                foreach (var point in s.Values ?? []) entry.Points.Add(Point(point, Where("api/v1/query_range", query)));
            }
        }
        return [.. bySeries.Values.Select(e => new PrometheusSeries(e.Labels, [.. e.Points.OrderBy(p => p.Item1)]))];
    }

    /// <summary>The query evaluated once, at <paramref name="time"/>: one value per series.</summary>
    public IReadOnlyList<PrometheusSeries> Instant(string query, DateTimeOffset time)
    {
        var data = Ask("api/v1/query", query, [("time", Seconds(time.ToUnixTimeSeconds()))]);
        return [.. data.Result.Where(s => s.Value is not null)
            .Select(s => new PrometheusSeries(s.Metric.ToImmutableDictionary(StringComparer.Ordinal), [Point(s.Value!.Value, Where("api/v1/query", query))]))];
    }

    public void Dispose() => _http.Dispose();

    private ApiData Ask(string path, string query, (string, string)[] parameters)
    {
        var url = new Uri(_base, path);
        var where = Where(path, query);
        HttpResponseMessage response;
        string body;
        try
        {
            using var form = new FormUrlEncodedContent([new("query", query), .. parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))]);
            response = _http.PostAsync(url, form).GetAwaiter().GetResult();
            body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new InputException(where, 0, null, 0, null, $"no answer from the Prometheus server: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new InputException(where, 0, null, 0, null, $"no answer from the Prometheus server within {_http.Timeout.TotalSeconds:0} s");
        }
        return Parse(body, response.StatusCode, where);
    }

    private string Where(string path, string query) => $"{new Uri(_base, path)} (query '{query}')";

    /// <summary>The answer's data, or an <see cref="InputException"/> naming <paramref name="where"/>: a body that is not
    /// the API's JSON, an error the server reports, or JSON of the API's shape with a part missing (a null result or
    /// series labels, as a broken proxy may send, were a NullReferenceException, exit code 1).</summary>
    internal static ApiData Parse(string body, HttpStatusCode status, string where)
    {
        ApiResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize(body, PrometheusJsonContext.Default.ApiResponse);
        }
        catch (JsonException e)
        {
            throw new InputException(where, (int)(e.LineNumber + 1 ?? 0), null, 0, null,
                $"HTTP {(int)status}: the answer is not the Prometheus API's JSON ({e.Message.Split('.')[0]})");
        }
        if (answer is null || answer.Status != "success" || answer.Data is null)
        {
            var reason = answer?.Error is { } error ? $"{answer.ErrorType}: {error}" : $"HTTP {(int)status} {status}";
            throw new InputException(where, 0, null, 0, null, $"the Prometheus server refused the query: {reason}");
        }
        if (status != HttpStatusCode.OK)
            throw new InputException(where, 0, null, 0, null, $"HTTP {(int)status} {status}");
        if (answer.Data.Result is null)
            throw new InputException(where, 0, null, 0, null, "the answer is not the Prometheus API's JSON (data.result is missing)");
        for (var i = 0; i < answer.Data.Result.Count; i++)
            if (answer.Data.Result[i]?.Metric is null || answer.Data.Result[i].Metric.Values.Any(v => v is null))
                throw new InputException(where, 0, null, 0, null, $"the answer is not the Prometheus API's JSON (series {i + 1} has no labels)");
        return answer.Data;
    }

    /// <summary>One point, [unix seconds, "value"], or an <see cref="InputException"/> naming <paramref name="where"/>.</summary>
    internal static (long, double) Point(JsonElement point, string where)
    {
        if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2 || point[0].ValueKind != JsonValueKind.Number
            || point[1].ValueKind != JsonValueKind.String || !point[0].TryGetDouble(out var time) || !double.IsFinite(time))
            throw new InputException(where, 0, null, 0, point.GetRawText(), "a point of the answer is not [time, \"value\"]");
        var text = point[1].GetString()!;
        double value;
        switch (text)
        {
            case "NaN": value = double.NaN; break;
            case "+Inf": value = double.PositiveInfinity; break;
            case "-Inf": value = double.NegativeInfinity; break;
            default:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                    throw new InputException(where, 0, null, 0, text, "a point's value is not a number (the API writes values as decimal text, NaN or +Inf/-Inf)");
                break;
        }
        // A time beyond what a long counts in seconds is no sample time: saturated far outside any period asked for.
        return (time >= long.MaxValue ? long.MaxValue : time <= long.MinValue ? long.MinValue : (long)Math.Floor(time), value);
    }

    private static string Seconds(long unixSeconds) => unixSeconds.ToString(CultureInfo.InvariantCulture);

    private static string Key(Dictionary<string, string> labels) =>
        string.Join('\u0001', labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\u0002" + kv.Value));
}
