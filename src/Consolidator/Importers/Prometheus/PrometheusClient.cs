using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Consolidator.Importers.Prometheus;

/// <summary>Reads series from a Prometheus server over its HTTP API (<c>/api/v1/query_range</c> and
/// <c>/api/v1/query</c>, form-encoded POST so that long queries fit). Any failure (no answer, an HTTP error, an
/// error the server reports, a body that is not the API's JSON, an answer over <see cref="MaxAnswerBytes"/>, the
/// time limit passed) is an <see cref="InputException"/> that names the URL and the query.</summary>
public sealed class PrometheusClient : IDisposable
{
    /// <summary>Prometheus refuses a range query of more than 11,000 points per series; a long period is asked
    /// for in pieces of at most this many steps.</summary>
    public const int MaxStepsPerQuery = 10_000;

    /// <summary>The most one answer may hold: as a plan.json (<see cref="Datasets.InputFiles.MaxWholeFileBytes"/>).
    /// The importer asks for pieces that fit it with room to spare (<see cref="PrometheusImporter.StepsPerPiece"/>);
    /// an answer larger than that holds series the inventory does not have, and .NET's own bound (2 GiB, the
    /// buffer's) was reached only after the memory was spent.</summary>
    public const int MaxAnswerBytes = Datasets.InputFiles.MaxWholeFileBytes;

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TimeSpan _timeLimit;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly int _maxAnswerBytes;

    /// <param name="timeLimit">Wall-clock time for every answer of this client together, from its creation: a server
    /// that never answers, or sends its answer a byte at a time, ends the import when it is spent.</param>
    /// <param name="maxAnswerBytes">The most one answer may hold.</param>
    public PrometheusClient(Uri url, TimeSpan timeLimit, int maxAnswerBytes = MaxAnswerBytes)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new InputException(Shown(url), 0, null, 0, null, "--url must be an http:// or https:// address of a Prometheus server");
        // The API's paths are added to --url, which dropped a query or fragment without a word (a proxy's ?token=...).
        if (url.Query.Length > 0 || url.Fragment.Length > 0)
            throw new InputException(Shown(url), 0, null, 0, null, "--url must not hold a query ('?...') or a fragment ('#...'): the importer adds the API's own paths and parameters");
        var shown = new Uri(Shown(url));
        _base = shown.AbsoluteUri.EndsWith('/') ? shown : new Uri(shown.AbsoluteUri + "/");
        _timeLimit = timeLimit;
        _maxAnswerBytes = maxAnswerBytes;
        // Each request gets what is left of the time limit as its own cancellation, body included.
        // Redirects are followed here, not by .NET (Follow), which followed one to any host without a word.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        // user:password@ in --url (a server behind a proxy's basic authentication): .NET does not send it by itself, and
        // the 401 that followed was reported with the password in the URL.
        if (url.UserInfo.Length > 0)
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))));
    }

    /// <summary>The query evaluated at start, start + step, ..., end (both ends included), in pieces of at most
    /// <see cref="MaxStepsPerQuery"/> steps; a series' points from every piece, in time order.</summary>
    public IReadOnlyList<PrometheusSeries> Range(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var bySeries = new Dictionary<string, (ImmutableDictionary<string, string> Labels, List<(long, double)[]> Pieces)>(StringComparer.Ordinal);
        var stepSeconds = (long)step.TotalSeconds;
        for (var from = start.ToUnixTimeSeconds(); from <= end.ToUnixTimeSeconds(); from += stepSeconds * MaxStepsPerQuery)
        {
            var to = Math.Min(end.ToUnixTimeSeconds(), from + stepSeconds * (MaxStepsPerQuery - 1));
            ApiData data;
            using (ApiPoints.Expect((int)((to - from) / stepSeconds) + 1))
                data = Ask("api/v1/query_range", query, [("start", Seconds(from)), ("end", Seconds(to)), ("step", Seconds(stepSeconds))]);
            var where = Where("api/v1/query_range", query);
            foreach (var s in data.Result)
            {
                var key = Key(s.Metric);
                if (!bySeries.TryGetValue(key, out var entry))
                    bySeries[key] = entry = (s.Metric.ToImmutableDictionary(StringComparer.Ordinal), []);
                if (s.Values is not { } values) continue;
                var points = values.Points;
                for (var i = 0; i < points.Length; i++)
                {
                    if (values.Problem is ({ } at, var problem) && at == i) Point(problem, where);
                    // Prometheus answers a range query only at start, start + step, ..., end. A point elsewhere (a broken proxy,
                    // a hostile server) was written as a sample: points dated 2032 for a 2026 period became the dataset's usage,
                    // and one series sent twice was .NET's "An item with the same key has already been added" (exit code 1).
                    var time = points[i].Time;
                    if (time < from || time > to || (time - from) % stepSeconds != 0)
                        throw new InputException(where, 0, null, 0, Shown(values.Written(i)),
                            $"the answer holds a point at {Stamp(time)}, which is not a step of the period asked for ({Stamp(from)} to {Stamp(to)} every {stepSeconds} s)");
                }
                entry.Pieces.Add(values.Points);
            }
        }
        var series = new List<PrometheusSeries>(bySeries.Count);
        foreach (var (labels, pieces) in bySeries.Values)
        {
            // One piece (a period of at most MaxStepsPerQuery steps) is kept as read, without a copy.
            var points = pieces.Count == 1 ? pieces[0] : [.. pieces.SelectMany(p => p)];
            if (!IsSorted(points)) Array.Sort(points, (a, b) => a.Item1.CompareTo(b.Item1));
            if (Twice(points) is { } twice)
                throw new InputException(Where("api/v1/query_range", query), 0, null, 0, null,
                    $"the answer holds two points at {Stamp(twice)} for one series (a series sent twice): {PrometheusSeries.Shown(labels)}");
            series.Add(new PrometheusSeries(labels, ImmutableCollectionsMarshal.AsImmutableArray(points)));
        }
        return series;
    }

    private static bool IsSorted((long, double)[] points)
    {
        for (var i = 1; i < points.Length; i++)
            if (points[i].Item1 < points[i - 1].Item1) return false;
        return true;
    }

    /// <summary>A time that two of the sorted <paramref name="points"/> share, the earliest, or null.</summary>
    private static long? Twice((long, double)[] points)
    {
        for (var i = 1; i < points.Length; i++)
            if (points[i].Item1 == points[i - 1].Item1) return points[i].Item1;
        return null;
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
        var left = _timeLimit - System.Diagnostics.Stopwatch.GetElapsedTime(_started);
        if (left <= TimeSpan.Zero) throw OutOfTime(where);
        using var cancel = new CancellationTokenSource(left);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new FormUrlEncodedContent([new("query", query), .. parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))]),
                };
                // Headers first (PostAsync would buffer the whole body): the body is read here, counted, and given up at the bound.
                using var response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token).GetAwaiter().GetResult();
                var status = response.StatusCode;
                if ((int)status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    url = Follow(url, location, redirects, status, where);
                    continue;
                }
                // A 3xx without a Location is no redirect: read as any other answer (it was "HTTP 302: the answer is not
                // the Prometheus API's JSON (The input does not contain any JSON tokens...)").
                if ((int)status is >= 300 and < 400)
                    throw new InputException(where, 0, null, 0, null, $"HTTP {(int)status}: the server redirected without saying where (no Location): give --url the address that answers");
                if (response.Content.Headers.ContentLength > _maxAnswerBytes) throw TooLarge(where);
                using var body = new AnswerBody(response.Content.ReadAsStream(cancel.Token), _maxAnswerBytes, () => TooLarge(where), cancel.Token);
                return Parse(body, status, where);
            }
        }
        catch (HttpRequestException e)
        {
            throw new InputException(where, 0, null, 0, null, $"no answer from the Prometheus server: {e.Message}");
        }
        // A redirect to an address .NET cannot follow (Location: file:///etc/passwd) was .NET's bare "Invalid URI: The
        // hostname could not be parsed.", naming neither the server nor the query.
        catch (UriFormatException e)
        {
            throw new InputException(where, 0, null, 0, null, $"no answer from the Prometheus server: it redirected to an address that cannot be followed ({e.Message.TrimEnd('.')})");
        }
        catch (Exception e) when (e is OperationCanceledException || e is IOException && cancel.IsCancellationRequested)
        {
            throw OutOfTime(where);
        }
        catch (IOException e)
        {
            throw new InputException(where, 0, null, 0, null, $"the answer broke off: {e.Message}");
        }
    }

    /// <summary>The most redirects followed for one query, as .NET's own bound (HttpClientHandler.MaxAutomaticRedirections).</summary>
    private const int MaxRedirects = 50;

    /// <summary>Where a redirect from <paramref name="from"/> to <paramref name="location"/> leads, if it is followed: only
    /// within --url's own origin (scheme, host and port, as curl keeps credentials, CVE-2022-27774), or from http to https
    /// on the same host. .NET followed a redirect to any host without a word: the query, and the period and metrics it
    /// names, went to a host the user did not name, and the answer imported from it was taken for the server's (.NET drops
    /// the user:password there, but a redirect to the same host name on another port kept it). Such a redirect is refused,
    /// naming where it leads; --url can name that address if it is the server's. The form is posted again to the new
    /// address whatever the status (301 to 308): a GET without it would be refused by the API ("invalid parameter").</summary>
    private static Uri Follow(Uri from, Uri location, int redirects, HttpStatusCode status, string where)
    {
        var to = location.IsAbsoluteUri ? location : new Uri(from, location);
        string? why = to.Scheme is not ("http" or "https") ? "it is not an http:// or https:// address"
            : !string.Equals(to.IdnHost, from.IdnHost, StringComparison.OrdinalIgnoreCase) ? "it leads to another host than --url names: the queries would go, and the answer come, from a host you did not name"
            : from.Scheme == "https" && to.Scheme == "http" ? "from https to http"
            : to.Scheme == from.Scheme && to.Port != from.Port ? "it leads to another port than --url names: the queries would go to another server"
            : redirects >= MaxRedirects ? $"a redirect loop, more than {MaxRedirects} in a row"
            : null;
        if (why is null) return to;
        var shown = to.IsAbsoluteUri && to.UserInfo.Length > 0 ? Shown(to) : (location.IsAbsoluteUri ? Shown(location) : location.OriginalString);
        throw new InputException(where, 0, null, 0, null,
            $"HTTP {(int)status}: the server redirected to '{Quoted.Value(shown)}' and the redirect was not followed ({why}): give --url the address that answers");
    }

    private InputException TooLarge(string where) =>
        new(where, 0, null, 0, null, $"the answer holds more than {Size(_maxAnswerBytes)}, the most the importer takes in one answer: "
            + "narrow --cpu-metric and --memory-metric with a label selector to the inventory's VMs");

    private InputException OutOfTime(string where) =>
        new(where, 0, null, 0, null, string.Create(CultureInfo.InvariantCulture,
            $"no whole answer from the Prometheus server within the import's --timeout of {_timeLimit.TotalSeconds:0.###} s"));

    private static string Size(int bytes) =>
        (bytes % (1 << 20) == 0 ? bytes >> 20 : bytes % (1 << 10) == 0 ? bytes >> 10 : bytes).ToString(CultureInfo.InvariantCulture)
        + (bytes % (1 << 20) == 0 ? " MiB" : bytes % (1 << 10) == 0 ? " KiB" : " bytes");

    /// <summary><paramref name="url"/> as messages show it: without a user name and password.</summary>
    public static string Shown(Uri url) =>
        url.UserInfo.Length == 0 ? url.ToString() : new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString();

    private string Where(string path, string query) => $"{new Uri(_base, path)} (query '{query}')";

    /// <summary>The body starts as a JSON object does (after white space and a byte-order mark).</summary>
    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) body = body[3..];
        body = body.TrimStart(" \t\r\n"u8);
        return body.Length > 0 && body[0] == (byte)'{';
    }

    /// <summary>The body starts as an HTML page does (after white space and a byte-order mark): '&lt;!DOCTYPE' or a tag.</summary>
    private static bool IsHtml(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) body = body[3..];
        body = body.TrimStart(" \t\r\n"u8);
        return body.Length > 1 && body[0] == (byte)'<' && (body[1] == (byte)'!' || char.IsAsciiLetter((char)body[1]));
    }

    /// <summary>The answer's data, or an <see cref="InputException"/> naming <paramref name="where"/>: a body that is not
    /// the API's JSON, an error the server reports, or JSON of the API's shape with a part missing (a null result or
    /// series labels, as a broken proxy may send, were a NullReferenceException, exit code 1).</summary>
    internal static ApiData Parse(byte[] body, HttpStatusCode status, string where) =>
        Parse(new AnswerBody(new MemoryStream(body), long.MaxValue, () => new InvalidOperationException(), CancellationToken.None), status, where);

    /// <summary>As <see cref="Parse(byte[], HttpStatusCode, string)"/>, read from the body as it arrives.</summary>
    private static ApiData Parse(AnswerBody body, HttpStatusCode status, string where)
    {
        body.LookAhead();
        // A 5xx with no API answer is the server or a proxy in front of it failing (a 502 or 503 while Prometheus restarts,
        // a 504 when the query outlived the proxy's timeout): it was "the answer is not the Prometheus API's JSON (The input
        // does not contain any JSON tokens...): is --url the Prometheus server's own address?", which sent the user to
        // check an address that was right. Prometheus's own 5xx (a query timeout is 503) carry the API's JSON error and
        // are read as before.
        if ((int)status >= 500 && !LooksLikeJson(body.Head))
            throw new InputException(where, 0, null, 0, null,
                $"HTTP {(int)status} {status}{(body.IsBlank() ? " (an empty answer)" : "")}: the server, or a proxy in front of it, failed without the API's answer; try again, or give --url the server's own address to pass the proxy");
        ApiResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize(body, PrometheusJsonContext.Default.ApiResponse);
        }
        catch (TooManyPointsException e)
        {
            throw new InputException(where, 0, null, 0, null, string.Create(CultureInfo.InvariantCulture,
                $"a series of the answer holds more than {e.Limit} points, the steps asked for: Prometheus answers one point per step; is --url the Prometheus server's own address?"));
        }
        catch (JsonException e)
        {
            // .NET's message names its own types ("could not be converted to Consolidator.Importers...", cut at the first
            // '.' to "converted to Consolidator"): only a syntax error's own words are kept. A page that is not JSON with
            // an error status is most often --url naming a path the server does not serve (its 404 page).
            var what = e.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "JSON of another shape than the API's object"
                : e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
            // So is an HTML page, whatever its status: a web UI or a sign-in page in front of the server (Grafana's
            // address, a single sign-on proxy) answers 200 with one, which got no hint.
            var hint = (int)status is >= 200 and < 300 && !IsHtml(body.Head) ? "" : ": is --url the Prometheus server's own address (e.g. http://prometheus:9090)?";
            throw new InputException(where, (int)(e.LineNumber + 1 ?? 0), null, 0, null,
                $"HTTP {(int)status}: the answer is not the Prometheus API's JSON ({what}){hint}");
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
    internal static (long, double) Point(ApiPoint point, string where)
    {
        if (point.Raw is { } raw)
            throw new InputException(where, 0, null, 0, raw, "a point of the answer is not [time, \"value\"]");
        if (point.Text is { } text)
            throw new InputException(where, 0, null, 0, text, "a point's value is not a number (the API writes values as decimal text, NaN or +Inf/-Inf)");
        var time = point.Time;
        // A time beyond what a long counts in seconds is no sample time: saturated far outside any period asked for.
        return (time >= long.MaxValue ? long.MaxValue : time <= long.MinValue ? long.MinValue : (long)Math.Floor(time), point.Value);
    }

    /// <summary>A point as the API writes it, for a message.</summary>
    private static string Shown(ApiPoint point) =>
        string.Create(CultureInfo.InvariantCulture, $"[{point.Time:R},\"{point.Value:R}\"]");

    private static string Seconds(long unixSeconds) => unixSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>A series' identity: its labels in name order, each name and value prefixed by its length. Label values may
    /// hold any character, control characters included (a real Prometheus stores and answers them): joined with U+0001 and
    /// U+0002 as separators, {x="p\u0001y\u0002q"} and {x="p",y="q"} were one series, and the import of a whole fleet failed
    /// as "two points ... for one series (a series sent twice)" over two series of a VM not even in the inventory.</summary>
    private static string Key(Dictionary<string, string> labels) =>
        string.Concat(labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key.Length}:{kv.Key}{kv.Value.Length}:{kv.Value}")));

    private static string Stamp(long unixSeconds) =>
        unixSeconds is >= -62135596800 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : unixSeconds.ToString(CultureInfo.InvariantCulture) + " s";
}
