using System.Net;
using System.Net.Sockets;
using System.Text;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Cli;

/// <summary>`import --format prometheus` against answers no real Prometheus sends but a broken proxy or a hostile
/// server may: JSON of the API's shape with parts missing or of the wrong kind. Each is one line naming the URL and the
/// query, exit code 2, nothing written (a null result or labels were a NullReferenceException, a time as text an
/// InvalidOperationException: exit code 1; a value as text was .NET's own message without the query). The server is a
/// loopback HttpListener answering every request with one body.</summary>
public sealed class HostilePrometheusTests
{
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static CliRunner.Result ImportAgainst(string body, TempDirectory tmp, string outDir)
    {
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(() =>
        {
            while (server.IsListening)
            {
                HttpListenerContext context;
                try { context = server.GetContext(); }
                catch (HttpListenerException) { return; }
                catch (ObjectDisposedException) { return; }
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "application/json";
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
        });
        File.WriteAllText(tmp.File("hosts.csv"), DatasetFixture.Hosts);
        File.WriteAllText(tmp.File("vms.csv"), DatasetFixture.Vms);
        var result = CliRunner.Run("import", "--format", "prometheus", "--url", $"http://127.0.0.1:{port}", "--start", "2026-01-05T00:00:00Z",
            "--end", "2026-01-05T01:00:00Z", "--hosts", tmp.File("hosts.csv"), "--vms", tmp.File("vms.csv"), "--out", outDir);
        server.Stop();
        serving.Wait(TimeSpan.FromSeconds(10));
        return result;
    }

    public static TheoryData<string, string> Answers => new()
    {
        { """{"status":"success","data":{"resultType":"matrix","result":null}}""", "data.result is missing" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":null,"values":[]}]}}""", "series 1 has no labels" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[["abc","1"]]}]}}""", "a point of the answer is not [time, \"value\"]" },
        { """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"domain":"vm1"},"values":[[1767571200,"lots"]]}]}}""", "a point's value is not a number" },
    };

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
}
