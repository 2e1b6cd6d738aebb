using System.Net;
using System.Net.Sockets;
using System.Text;
using Consolidator.Datasets;
using Consolidator.Importers;
using Consolidator.Importers.Prometheus;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`import --format prometheus` against answers no real Prometheus sends but a broken proxy or a hostile
/// server may: JSON of the API's shape with parts missing or of the wrong kind. Each is one line naming the URL and the
/// query, exit code 2, nothing written (a null result or labels were a NullReferenceException, a time as text an
/// InvalidOperationException: exit code 1; a value as text was .NET's own message without the query). The server is a
/// loopback HttpListener answering every request with one body.</summary>
public sealed class HostilePrometheusTests
{
    /// <summary>An HttpListener on a free loopback port. HttpListener cannot bind port 0, so a port is probed and then
    /// bound; another process may take it in between ("Address already in use", seen once under a busy suite), so a
    /// taken port is given up for another probe.</summary>
    private static (HttpListener Server, int Port) StartOnFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var server = new HttpListener();
            server.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                server.Start();
                return (server, port);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                server.Close();
            }
        }
    }

    private static CliRunner.Result ImportAgainst(string body, TempDirectory tmp, string outDir, params string[] extra)
    {
        var (listening, port) = StartOnFreePort();
        using var server = listening;
        var serving = Task.Run(() =>
        {
            while (server.IsListening)
            {
                HttpListenerContext context;
                try { context = server.GetContext(); }
                catch (HttpListenerException) { return; }
                catch (ObjectDisposedException) { return; }
                catch (InvalidOperationException) { return; } // stopped between IsListening and GetContext
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "application/json";
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
        });
        var result = Import(port, tmp, outDir, extra);
        // Close, not Stop: .NET's managed HttpListener removes its prefixes again when disposed after Stop, and doing
        // so binds the port anew, which another process may hold by then ("Address already in use" from Dispose,
        // seen once in a clean-clone CI run under a busy suite). Close releases it once; the using's Dispose is then
        // a no-op.
        server.Close();
        serving.Wait(TimeSpan.FromSeconds(10));
        return result;
    }

    public static TheoryData<string, string> Answers => new()
    {
        { """{"status":"success","data":{"resultType":"matrix","result":null}}""", "data.result is missing" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":null,"values":[]}]}}""", "series 1 has no labels" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[["abc","1"]]}]}}""", "a point of the answer is not [time, \"value\"]" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1767571200,"lots"]]}]}}""", "a point's value is not a number" },
        // A point off the period's steps was written as a sample (points dated 2032 for a 2026 period became usage rows); one
        // series sent twice was .NET's "An item with the same key has already been added" (exit code 1).
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1967571200,"1"]]}]}}""",
            "the answer holds a point at 2032-05-07T19:33:20Z, which is not a step of the period asked for (2026-01-04T23:55:00Z to 2026-01-05T01:00:00Z every 300 s)" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1767571201,"1"]]}]}}""", "which is not a step of the period asked for" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1767571200,"1"]]},{"metric":{"domain":"vm1"},"values":[[1767571200,"1"]]}]}}""",
            "the answer holds two points at 2026-01-05T00:00:00Z for one series (a series sent twice): {domain=\"vm1\"}" },
        // One series with more points than the 14 steps asked for (2026-01-04T23:55 to 01:00 every 300 s, the counter one step
        // early): a server that is not Prometheus. It was parsed whole first (one series as large as an answer peaked at
        // 1,113 MiB for 250 MiB, docs/prometheus-one-series.sh) and then named a point "not a step of the period".
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[""" + string.Join(",", Enumerable.Range(0, 15).Select(k => $"[{1767571200 + k},\"1\"]")) + "]}]}}",
            "a series of the answer holds more than 14 points, the steps asked for: Prometheus answers one point per step" },
        // .NET's own words, cut at the first '.' of a type name: "could not be converted to Consolidator".
        { "404 page not found", "HTTP 200: the answer is not the Prometheus API's JSON (JSON of another shape than the API's object)" },
    };

    [Fact]
    public void An_error_page_asks_whether_the_url_is_the_servers_own_address()
    {
        var e = Assert.Throws<InputException>(() => PrometheusClient.Parse(Encoding.UTF8.GetBytes("404 page not found"), HttpStatusCode.NotFound, "http://p/x/api/v1/query_range"));
        Assert.Contains("HTTP 404: the answer is not the Prometheus API's JSON (JSON of another shape than the API's object): is --url the Prometheus server's own address", e.Message);
        Assert.DoesNotContain("Consolidator", e.Message);
    }

    /// <summary>A 5xx without the API's JSON (a proxy's 502/503/504, empty or an HTML page) is the server or the proxy
    /// failing: it asked whether --url was the server's own address, sending the user to check an address that was right.
    /// Prometheus's own 5xx carries the API's JSON error and is reported as the server's refusal, as before.</summary>
    [Theory]
    [InlineData("", HttpStatusCode.ServiceUnavailable, "HTTP 503 ServiceUnavailable (an empty answer): the server, or a proxy in front of it, failed without the API's answer")]
    [InlineData("<html><body><h1>504 Gateway Time-out</h1></body></html>", HttpStatusCode.GatewayTimeout, "HTTP 504 GatewayTimeout: the server, or a proxy in front of it, failed without the API's answer")]
    [InlineData("""{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}""", HttpStatusCode.ServiceUnavailable, "the Prometheus server refused the query: timeout: query timed out in expression evaluation")]
    public void A_server_error_without_the_apis_answer_says_the_server_failed(string body, HttpStatusCode status, string what)
    {
        var e = Assert.Throws<InputException>(() => PrometheusClient.Parse(Encoding.UTF8.GetBytes(body), status, "http://p/x/api/v1/query_range"));
        Assert.Contains(what, e.Message);
        Assert.DoesNotContain("is --url the Prometheus server's own address", e.Message);
    }

    /// <summary>An HTML page answered with 200 (--url naming Grafana, or a sign-in proxy in front of the server) got no
    /// word of --url, as an error status does.</summary>
    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Sign in</body></html>")]
    [InlineData("\n  <html><head><title>Grafana</title></head></html>")]
    public void An_html_page_asks_whether_the_url_is_the_servers_own_address(string page)
    {
        var e = Assert.Throws<InputException>(() => PrometheusClient.Parse(Encoding.UTF8.GetBytes(page), HttpStatusCode.OK, "http://p/x/api/v1/query_range"));
        Assert.Contains("HTTP 200: the answer is not the Prometheus API's JSON ('<' is an invalid start of a value): is --url the Prometheus server's own address", e.Message);
    }

    /// <summary>A redirect .NET cannot follow was its bare "Invalid URI: The hostname could not be parsed.", naming neither
    /// the server nor the query.</summary>
    [Fact]
    public void A_redirect_that_cannot_be_followed_names_the_query()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainstRaw(stream =>
        {
            ReadRequestHead(stream);
            stream.Write("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n"u8);
        }, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "(query 'libvirt_domain_info_cpu_time_seconds_total')", "HTTP 302: the server redirected to 'file:///etc/passwd' and the redirect was not followed (it is not an http:// or https:// address)", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A loopback server that answers every request with <paramref name="answer"/> and counts the requests.</summary>
    private static (TcpListener Listener, int Port, Func<int> Requests) CountingServer(string answer)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var requests = 0;
        _ = Task.Run(() =>
        {
            while (true)
            {
                TcpClient client;
                try { client = listener.AcceptTcpClient(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
                using (client)
                {
                    try
                    {
                        ReadRequestHead(client.GetStream());
                        Interlocked.Increment(ref requests);
                        client.GetStream().Write(Encoding.ASCII.GetBytes(answer));
                    }
                    catch (IOException) { }
                }
            }
        });
        return (listener, ((IPEndPoint)listener.LocalEndpoint).Port, () => Volatile.Read(ref requests));
    }

    /// <summary>A redirect to another host (or another port of --url's host) was followed by .NET without a word: the
    /// queries went to a server the user did not name, and its answer was imported as the named server's. Now refused
    /// before anything is sent there, naming where it led; the other server sees no request.</summary>
    [Theory]
    [InlineData("localhost", "another host than --url names")]
    [InlineData("127.0.0.1", "another port than --url names")]
    public void A_redirect_to_another_host_or_port_is_refused_naming_it(string host, string why)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        const string empty = """{"status":"success","data":{"resultType":"matrix","result":[]}}""";
        var (other, port, requests) = CountingServer($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {empty.Length}\r\nConnection: close\r\n\r\n{empty}");
        try
        {
            var target = $"http://{host}:{port}/api/v1/query_range";
            var result = ImportAgainstRaw(stream =>
            {
                ReadRequestHead(stream);
                stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            }, tmp, outDir);

            CliRunner.AssertLocatedInputError(result, "(query 'libvirt_domain_info_cpu_time_seconds_total')",
                $"HTTP 307: the server redirected to '{target}' and the redirect was not followed (it leads to {why}", outDir);
            HostileInputTests.AssertOneCleanLine(result.Err);
            Assert.Equal(0, requests());
        }
        finally
        {
            other.Stop();
        }
    }

    /// <summary>A redirect within --url's own server (a path prefix a proxy adds) is followed, the query posted again.</summary>
    [Fact]
    public void A_redirect_within_the_server_is_followed_with_the_query()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        var prefixed = new System.Collections.Concurrent.ConcurrentBag<string>();

        var result = ImportAgainstRaw(stream =>
        {
            var head = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
            var first = head.ReadLine() ?? "";
            var length = 0;
            for (var line = head.ReadLine(); !string.IsNullOrEmpty(line); line = head.ReadLine())
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim());
            var body = new char[length];
            for (var got = 0; got < length;) got += head.Read(body, got, length - got);
            if (!first.Contains("/p/", StringComparison.Ordinal))
            {
                stream.Write("HTTP/1.1 308 Permanent Redirect\r\nLocation: /p/api/v1/query_range\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
                return;
            }
            prefixed.Add(first + " " + new string(body));
            const string wrong = """{"status":"error","errorType":"bad_data","error":"reached the prefixed path"}""";
            stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {wrong.Length}\r\nConnection: close\r\n\r\n{wrong}"));
        }, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "(query 'libvirt_domain_info_cpu_time_seconds_total')", "the Prometheus server refused the query: bad_data: reached the prefixed path", outDir);
        var request = Assert.Single(prefixed);
        Assert.StartsWith("POST /p/api/v1/query_range ", request);
        Assert.Contains("query=libvirt_domain_info_cpu_time_seconds_total", request);
    }

    /// <summary>A redirect loop: .NET gives up after 50 and hands back the last 302, which was read as the API's JSON
    /// ("HTTP 302: the answer is not the Prometheus API's JSON (The input does not contain any JSON tokens. ...)").</summary>
    [Fact]
    public void A_redirect_loop_is_named_as_a_redirect()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainstRaw(stream =>
        {
            ReadRequestHead(stream);
            stream.Write("HTTP/1.1 302 Found\r\nLocation: /api/v1/query_range\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
        }, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "(query 'libvirt_domain_info_cpu_time_seconds_total')",
            "HTTP 302: the server redirected to '/api/v1/query_range' and the redirect was not followed (a redirect loop", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>Two series of one VM with a point at one time: the error quoted their labels raw, so a value holding
    /// '",job="' passed for another label, and a 5,000-character value filled the message to its cap (the other series
    /// cut off). Now each value is escaped as PromQL writes it, and each series' labels are cut as any quoted value.</summary>
    [Fact]
    public void The_two_series_error_quotes_label_values_escaped_and_short()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        var forged = "a\",job=\"x\\";
        var series = "{\"metric\":{\"domain\":\"vm1\",\"instance\":{0}},\"values\":[[1767571200,\"1\"]]}";
        var body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + series.Replace("{0}", System.Text.Json.JsonSerializer.Serialize(forged), StringComparison.Ordinal) + ","
            + series.Replace("{0}", "\"" + new string('z', 5000) + "\"", StringComparison.Ordinal) + "]}}";

        var result = ImportAgainst(body, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "vm1", "two series for one VM with a point at one time", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.Contains("{domain=\"vm1\",instance=\"a\\\",job=\\\"x\\\\\"} and {domain=\"vm1\",instance=\"zzz", result.Err);
        Assert.Contains("... (5026 characters)", result.Err);
        Assert.Contains("give a metric with a label selector that keeps one", result.Err);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_malformed_answer_is_one_line_naming_the_query_and_exit_2(string body, string what)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainst(body, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "(query 'libvirt_domain_info_cpu_time_seconds_total')", what, outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A loopback server that hands each connection to <paramref name="serve"/> (raw HTTP/1.1, so that it can
    /// send what no well-behaved server does), and an import against it with <paramref name="extra"/> options.</summary>
    private static CliRunner.Result ImportAgainstRaw(Action<NetworkStream> serve, TempDirectory tmp, string outDir, params string[] extra)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(() =>
        {
            while (true)
            {
                TcpClient client;
                try { client = listener.AcceptTcpClient(); }
                catch (SocketException) { return; }
                catch (ObjectDisposedException) { return; }
                catch (InvalidOperationException) { return; } // stopped before AcceptTcpClient was reached
                _ = Task.Run(() =>
                {
                    using (client)
                    {
                        try { serve(client.GetStream()); }
                        catch (IOException) { } // the importer gave up and closed the connection
                    }
                });
            }
        });
        var result = Import(port, tmp, outDir, extra);
        listener.Stop();
        serving.Wait(TimeSpan.FromSeconds(10));
        return result;
    }

    /// <summary>The fixture's inventory imported for one hour from the server on <paramref name="port"/>.</summary>
    private static CliRunner.Result Import(int port, TempDirectory tmp, string outDir, string[] extra)
    {
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        string[] period = extra.Contains("--start") ? [] : ["--start", "2026-01-05T00:00:00Z", "--end", "2026-01-05T01:00:00Z"];
        return CliRunner.Run(["import", "--format", "prometheus", "--url", $"http://127.0.0.1:{port}", .. period,
            "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir, .. extra]);
    }

    private static void ReadRequestHead(NetworkStream stream)
    {
        var seen = new List<byte>();
        while (seen.Count < 4 || !seen.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            var b = stream.ReadByte();
            if (b < 0) return;
            seen.Add((byte)b);
        }
    }

    /// <summary>An answer that says it holds 300 MiB was read into memory up to .NET's 2 GiB buffer before any error;
    /// now refused on its Content-Length, the URL and the bound named.</summary>
    [Fact]
    public void An_answer_larger_than_the_bound_is_refused_naming_the_url_and_the_bound()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainstRaw(stream =>
        {
            ReadRequestHead(stream);
            stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {300L << 20}\r\n\r\n"));
            stream.Write("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["u8);
        }, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, "/api/v1/query_range (query 'libvirt_domain_info_cpu_time_seconds_total')",
            "the answer holds more than 256 MiB, the most the importer takes in one answer", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A server that takes the request and never answers, and one that sends its headers and then a byte of the
    /// body now and then for ever: each ends the import when --timeout is spent (before, two minutes per answer; a
    /// dripping body each time again). Neither server ever completes, so the outcome does not depend on the machine's speed.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_server_that_never_finishes_its_answer_ends_the_import_at_the_timeout(bool drip)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainstRaw(stream =>
        {
            ReadRequestHead(stream);
            if (drip) stream.Write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8);
            while (true)
            {
                if (drip) stream.Write("1\r\n \r\n"u8);
                Thread.Sleep(50);
                if (!drip && stream.Socket.Poll(0, SelectMode.SelectRead) && stream.Socket.Available == 0) return; // closed by the importer
            }
        }, tmp, outDir, "--timeout", "1");

        CliRunner.AssertLocatedInputError(result, "/api/v1/query_range (query 'libvirt_domain_info_cpu_time_seconds_total')",
            "no whole answer from the Prometheus server within the import's --timeout of 1 s", outDir);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("NaN")]
    [InlineData("1e300")]
    public void A_timeout_out_of_range_is_refused(string timeout)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainst("{}", tmp, outDir, "--timeout", timeout);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--timeout must be a number of seconds above 0 and at most a day", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>Series there but no point usable (NaN and +Inf, as Prometheus writes a broken exporter's values): the error
    /// said only "no usable samples for any VM", as though the series were missing; now it says what was skipped.</summary>
    [Fact]
    public void No_usable_point_says_why_the_points_were_skipped()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        var body = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1767571200,"NaN"],[1767571500,"+Inf"]]}]}}""";

        var result = ImportAgainst(body, tmp, outDir);

        CliRunner.AssertLocatedInputError(result, $"http://127.0.0.1:", "no usable samples for any VM of the inventory", outDir);
        Assert.Contains("label 'domain'): 1 point(s) where the CPU counter fell or is not a number (a VM or exporter restart): no sample; 1 point(s) without the CPU counter one step earlier", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }

    /// <summary>A period at the ends of the calendar: the CPU counter is read one step before --start, and the pieces of
    /// the period were stepped past --end in DateTimeOffset arithmetic, so year 1 and year 9999 were .NET's "The added or
    /// subtracted value results in an un-representable DateTime." with no option named.</summary>
    [Theory]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", "--start must be at least one --step after 0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T00:00:00Z", "9999-12-31T23:00:00Z", "no usable samples for any VM of the inventory")]
    public void A_period_at_the_ends_of_the_calendar_is_the_importers_own_error(string start, string end, string what)
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");

        var result = ImportAgainst("""{"status":"success","data":{"resultType":"matrix","result":[]}}""", tmp, outDir,
            "--start", start, "--end", end, "--step", "1h");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(what, result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>The bound holds on a body sent in chunks with no length given: counted as it is read, given up as soon as
    /// it passes (a small bound here, the same code as the 256 MiB one).</summary>
    [Fact]
    public void A_chunked_answer_is_counted_as_it_is_read_and_given_up_at_the_bound()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(() =>
        {
            using var client = listener.AcceptTcpClient();
            var stream = client.GetStream();
            ReadRequestHead(stream);
            stream.Write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8);
            var chunk = Encoding.ASCII.GetBytes("4000\r\n" + new string(' ', 0x4000) + "\r\n");
            try
            {
                for (var i = 0; i < 64; i++) stream.Write(chunk); // 1 MiB, then the end
                stream.Write("0\r\n\r\n"u8);
            }
            catch (IOException) { } // the importer gave up at the bound
        });
        var hosts = DatasetReader.ReadHosts(WriteAndName(tmp, "hosts.csv", DatasetFixture.Hosts));
        var vms = DatasetReader.ReadVms(WriteAndName(tmp, "vms.csv", DatasetFixture.Vms), hosts);
        var inventory = new ImportInventory(hosts, [.. vms.Select(v => new InventoryVm(v.Id, v.CurrentHost, v.Vcpus, v.MemoryMib))], [], []);
        var source = new PrometheusImport(new Uri($"http://127.0.0.1:{port}"),
            DateTimeOffset.Parse("2026-01-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2026-01-05T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5),
            new PrometheusMetrics())
        { MaxAnswerBytes = 64 << 10 };

        var error = Assert.Throws<InputException>(() => PrometheusImporter.Import(source, inventory, outDir));
        Stop(listener, served);

        Assert.Contains($"http://127.0.0.1:{port}/api/v1/query_range", error.Message);
        Assert.Contains("the answer holds more than 64 KiB", error.Message);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>A vCPU gauge of 1e12 (an exporter's bug, or a hostile server) was written to vms.csv, exit 0, and every
    /// command then refused the dataset at vms.csv ("too large"), a file the user never wrote. The VM is now left out,
    /// named with its size; the others are imported.</summary>
    [Fact]
    public async Task A_vm_size_from_the_metrics_no_dataset_holds_leaves_the_vm_out_naming_it()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        const string points = "\"values\":[[1767571200,\"1073741824\"],[1767571500,\"1073741824\"]],\"value\":[1767574800,\"1e12\"]";
        var series = string.Join(",", new[] { "vm1", "vm2" }.Select(vm => "{\"metric\":{\"domain\":\"" + vm + "\"}," + points + "}"));
        var body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + series + "]}}";
        var (listening, port) = StartOnFreePort();
        using var server = listening;
        var serving = Task.Run(() =>
        {
            while (true)
            {
                HttpListenerContext context;
                try { context = server.GetContext(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                context.Response.ContentType = "application/json";
                context.Response.OutputStream.Write(Encoding.UTF8.GetBytes(body));
                context.Response.Close();
            }
        });
        var hosts = DatasetReader.ReadHosts(WriteAndName(tmp, "hosts.csv", DatasetFixture.Hosts));
        var inventory = new ImportInventory(hosts, [new InventoryVm("vm1", "h1"), new InventoryVm("vm2", "h1", 2, 4096)], [], []);
        var source = new PrometheusImport(new Uri($"http://127.0.0.1:{port}"),
            DateTimeOffset.Parse("2026-01-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2026-01-05T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5),
            new PrometheusMetrics());

        var report = PrometheusImporter.Import(source, inventory, outDir);
        server.Close(); // not Stop: see ImportAgainst
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains(report.Notes, n => n.StartsWith("VM 'vm1' left out: its size from libvirt_domain_info_virtual_cpus / libvirt_domain_info_maximum_memory_bytes (1E+12 vCPUs, 953674 MiB) is not one a dataset holds: a VM's vcpus must be from 0.001 to 2000000", StringComparison.Ordinal));
        Assert.Equal(["vm2"], DatasetReader.Read(outDir).Vms.Select(v => v.Id));
    }

    private static void Stop(TcpListener listener, Task serving)
    {
        listener.Stop();
        serving.Wait(TimeSpan.FromSeconds(10));
    }

    private static string WriteAndName(TempDirectory tmp, string name, string text)
    {
        File.WriteAllText(tmp.File(name), text);
        return tmp.File(name);
    }
    /// <summary>An answer is held in less memory than its own size: each point was a JsonElement, a JsonDocument of its
    /// own, and parsing took about 18 times the answer (a real Prometheus's 122 MB answer of 20,000 series x 289 points
    /// peaked at 2.27 GB; the 256 MiB an answer may hold, some 4.7 GB); then a list of 32-byte points beside the body took
    /// 3.2 times it. Points are now read into one array of 16-byte points per series, about 0.6 times the answer's JSON.
    /// Counted in bytes allocated, not timed: 1,000 series of 200 points each.</summary>
    [Fact]
    public void An_answer_is_parsed_in_memory_of_the_order_of_its_size()
    {
        var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[""");
        for (var i = 0; i < 1000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $$"""{"metric":{"__name__":"libvirt_domain_info_memory_usage_bytes","domain":"vm{{i}}"},"values":[""");
            for (var k = 0; k < 200; k++)
                json.Append(k == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $"[{1767571200 + 300 * k},\"{1073741824 + 4096 * k + i}\"]");
            json.Append("]}");
        }
        var body = Encoding.UTF8.GetBytes(json.Append("]}}").ToString());
        PrometheusClient.Parse(body, HttpStatusCode.OK, "http://p/api/v1/query_range");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var data = PrometheusClient.Parse(body, HttpStatusCode.OK, "http://p/api/v1/query_range");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000, data.Result.Count);
        Assert.Equal(200, data.Result[999].Values!.Count);
        Assert.True(allocated < body.Length, $"{allocated:N0} bytes allocated to parse an answer of {body.Length:N0}");
    }

    /// <summary>One series as large as an answer may be (a server that is not Prometheus): System.Text.Json handed a
    /// converter of the whole points array its value only once all of it was buffered, so the buffer grew to the series'
    /// size and doubled on the way (a 250 MiB series peaked at 1,113 MiB against 212 for the same bytes over many series).
    /// Now points are added one by one as they arrive and a series holding more points than the steps asked for is refused
    /// at the first extra: counted in bytes allocated, a 2.7 MB one-series answer takes less than a tenth of its size.</summary>
    [Fact]
    public void One_series_longer_than_the_steps_asked_for_is_refused_as_it_is_read()
    {
        var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm0"},"values":[""");
        for (var k = 0; k < 100_000; k++)
            json.Append(k == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $"[{1767571200 + k},\"0.123456789\"]");
        var body = Encoding.UTF8.GetBytes(json.Append("]}]}}").ToString());
        using (ApiPoints.Expect(1001))
            Assert.Throws<InputException>(() => PrometheusClient.Parse(body, HttpStatusCode.OK, "http://p/api/v1/query_range"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        InputException e;
        using (ApiPoints.Expect(1001))
            e = Assert.Throws<InputException>(() => PrometheusClient.Parse(body, HttpStatusCode.OK, "http://p/api/v1/query_range"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("a series of the answer holds more than 1001 points, the steps asked for", e.Message);
        Assert.True(allocated < body.Length / 10, $"{allocated:N0} bytes allocated to refuse an answer of {body.Length:N0}");
    }

    /// <summary>A server behind HTTP basic authentication, the credentials in --url as user:password@: they were not
    /// sent (the server's 401 ended the import) and the error quoted the URL with the password in it. Now they are sent
    /// as the Authorization header, and no message shows the password.</summary>
    [Fact]
    public async Task Credentials_in_the_url_are_sent_and_never_printed()
    {
        using var tmp = new TempDirectory();
        var outDir = tmp.File("out");
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var heads = new List<string>();
        var serving = Task.Run(() =>
        {
            try
            {
                using var client = listener.AcceptTcpClient();
                var stream = client.GetStream();
                var head = new List<byte>();
                while (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
                {
                    var b = stream.ReadByte();
                    if (b < 0) break;
                    head.Add((byte)b);
                }
                lock (heads) heads.Add(Encoding.ASCII.GetString([.. head]));
                stream.Write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"u8);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException) { }
        });

        var result = CliRunner.Run("import", "--format", "prometheus", "--url", $"http://ops%40corp:s3cr%3At@127.0.0.1:{port}/prom",
            "--start", "2026-01-05T00:00:00Z", "--end", "2026-01-05T01:00:00Z", "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir);
        listener.Stop();
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        CliRunner.AssertLocatedInputError(result, $"http://127.0.0.1:{port}/prom/api/v1/query_range", "HTTP 401", outDir);
        Assert.DoesNotContain("s3cr", result.Err);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("ops@corp:s3cr:t"));
        Assert.Contains($"Authorization: Basic {basic}", Assert.Single(heads));
    }
}
