using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Consolidator.Tests.Support;

/// <summary>A real Prometheus server (Debian's <c>prometheus</c> package) on a free loopback port, its storage
/// backfilled from OpenMetrics text with <c>promtool tsdb create-blocks-from openmetrics</c>, as an operator
/// backfills one. Stopped and its folder removed on Dispose. <see cref="Missing"/> says why one cannot start
/// here (the binaries are absent), so that a test can skip with that message.</summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private PrometheusServer(Process process, TempDirectory dir, Uri url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public Uri Url { get; }

    public static string? Missing =>
        Which("prometheus") is null || Which("promtool") is null
            ? "prometheus and promtool are not on PATH (Debian: apt-get install prometheus; .ci/run installs it)"
            : null;

    public static PrometheusServer Start(string openMetrics)
    {
        var dir = new TempDirectory();
        try
        {
            File.WriteAllText(dir.File("data.om"), openMetrics);
            var tsdb = dir.File("tsdb");
            Run(Which("promtool")!, "tsdb", "create-blocks-from", "openmetrics", dir.File("data.om"), tsdb);
            File.WriteAllText(dir.File("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
            var port = FreePort();
            var start = new ProcessStartInfo(Which("prometheus")!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                $"--config.file={dir.File("prometheus.yml")}", $"--storage.tsdb.path={tsdb}",
                $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=3650d",
            })
                start.ArgumentList.Add(a);
            var process = Daemon.Start(start);
            var url = new Uri($"http://127.0.0.1:{port}/");
            var server = new PrometheusServer(process, dir, url);
            server.WaitUntilReady();
            return server;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }

    private void WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // Generous: on a loaded 2-core machine the server may take a while to open the backfilled blocks.
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode}");
            try
            {
                if (http.GetAsync(new Uri(Url, "-/ready")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Thread.Sleep(200);
        }
        throw new TimeoutException("prometheus did not become ready within 2 minutes");
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {p.ExitCode}: {errors.Result}{output.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
