using System.Text.RegularExpressions;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Reporting;

public class HtmlReportTests
{
    private static string Generated(TempDirectory tmp)
    {
        var data = Path.Combine(tmp.Path, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--out", data, "--seed", "5", "--vms", "16", "--days", "1").ExitCode);
        return data;
    }

    /// <summary>Opens offline: every image is a data URI and nothing is fetched from elsewhere.</summary>
    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotMatch(new Regex(@"(src|href)=""(?!data:)"), html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void Plan_report_shows_savings_risks_stages_and_the_slo_table_with_every_plot_embedded()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");
        Assert.Equal(0, CliRunner.Run("plan", Generated(tmp), "--out", outDir, "--deterministic", "--time-limit", "1").ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));

        Assert.Matches(@"Active hosts <b>\d+ &rarr; \d+</b>; energy <b>[\d.]+ &rarr; [\d.]+ kWh/day</b>", html);
        Assert.Contains("<h2>Risks</h2>", html);
        Assert.Contains("<h2>Stages</h2>", html);
        Assert.Contains("<h2>Downtime SLO (300 ms)</h2>", html);
        Assert.Equal(Directory.GetFiles(outDir, "*.png").Length, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        AssertSelfContained(html);
    }

    [Fact]
    public void Plan_report_says_which_hosts_to_switch_off_each_hosts_peaks_and_who_made_it()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");
        var data = Generated(tmp);
        Assert.Equal(0, CliRunner.Run("plan", data, "--out", outDir, "--deterministic", "--time-limit", "1", "--headroom", "0.2").ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        using var plan = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "plan.json")));
        var summary = plan.RootElement.GetProperty("summary");
        var emptied = summary.GetProperty("active_hosts_before").GetInt32() - summary.GetProperty("active_hosts_after").GetInt32();

        Assert.Contains("<h2>Hosts to switch off</h2>", html);
        Assert.True(emptied > 0, "the generated data centre is wasteful: the plan empties hosts");
        Assert.Equal(emptied, Regex.Matches(html, "<td>switch off</td>").Count);
        Assert.Contains($"<p>{emptied} host(s) carry no VM once the stage named below is done", html);
        Assert.Matches(@"<tr><td class=""l"">h-[a-z]+-\d+</td><td>keep</td><td>\d+ %</td><td>\d+ %</td><td>\d+ %</td><td>\d+ %</td></tr>", html);
        Assert.Contains("<footer><p>Made by consolidator 0.1.0", html);
        Assert.Contains($"<code>consolidator plan {data} --deterministic --time-limit 1 --headroom 0.2</code>", html);
        Assert.DoesNotContain(" UTC:", html); // --deterministic: no time, so the bytes repeat
    }

    /// <summary>Markup in ids and paths is encoded (ids with '&lt;script&gt;', '&lt;/' and quotes), and a bidirectional
    /// override or another invisible formatting character in a path is written as a message writes it (\u202e): the
    /// footer showed a dataset folder named "data\u202Egpj.exe" and the command line as the browser reorders them after
    /// U+202E ("dataexe.jpg ..."), so the report misstated what it was made from. Ids cannot hold one.</summary>
    [Fact]
    public void Ids_with_markup_and_a_path_with_a_bidi_override_are_shown_as_written()
    {
        using var tmp = new TempDirectory();
        var data = Path.Combine(tmp.Path, "data\u202Egpj.exe");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "hosts.csv"),
            "host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh<script>alert(1)</script>,32,131072,120,400\n\"h</td>\"\"'&\",32,131072,120,400\n");
        File.WriteAllText(Path.Combine(data, "vms.csv"),
            "vm_id,vcpus,memory_mib,current_host\nv</title><script>alert(2)</script>,4,8192,h<script>alert(1)</script>\n\"v\"\"onmouseover=\"\"x\",4,8192,\"h</td>\"\"'&\"\n");
        File.WriteAllText(Path.Combine(data, "usage.csv"), "timestamp,vm_id,cpu_cores,memory_mib\n" + string.Concat(Enumerable.Range(0, 4).Select(k =>
            $"2026-01-05T0{k}:00:00Z,v</title><script>alert(2)</script>,1,4000\n2026-01-05T0{k}:00:00Z,\"v\"\"onmouseover=\"\"x\",1,4000\n")));
        var outDir = Path.Combine(tmp.Path, "plan");

        var run = CliRunner.Run("plan", data, "--out", outDir, "--deterministic", "--time-limit", "1");

        Assert.True(run.ExitCode == 0, run.Err);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        AssertSelfContained(html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("</td>\"", html);
        Assert.Contains("h&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain('\u202E', html);
        Assert.Contains($"from the dataset {Path.Combine(tmp.Path, "data\\u202egpj.exe")}:", html);
    }

    [Fact]
    public void A_plan_without_live_migrations_claims_no_slo_in_its_report()
    {
        using var tmp = new TempDirectory();
        var data = TestInstances.WriteOneVmAtHome(Path.Combine(tmp.Path, "data"));
        var outDir = Path.Combine(tmp.Path, "plan");
        Assert.Equal(0, CliRunner.Run("plan", data, "--out", outDir, "--deterministic", "--time-limit", "2").ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));

        Assert.Contains("<p>0 live migration(s)", html);
        // It said "Every migration meets the downtime SLO." and "All 0 migration(s) stop their VM within the SLO."
        Assert.Contains("<li class=\"ok\">The plan has no live migration: there is no downtime for the SLO to judge.</li>", html);
        Assert.Contains("<p class=\"ok\">The plan has no live migration: no VM stops, and the SLO has nothing to judge.</p>", html);
        Assert.DoesNotContain("meets the downtime SLO", html);
        Assert.DoesNotContain("within the SLO", html);
    }

    [Fact]
    public void When_every_link_fails_the_report_says_none_completed_and_claims_no_slo()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");
        Assert.Equal(0, CliRunner.Run("plan", Generated(tmp), "--out", outDir, "--deterministic", "--time-limit", "1", "--fail-link", "1").ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        var migrations = int.Parse(Regex.Match(html, @"<p>(\d+) live migration\(s\)").Groups[1].Value);

        Assert.True(migrations > 0, "the generated data centre is wasteful: the plan migrates");
        // It said "0 of N migration(s) completed, within the downtime SLO" and "All N migration(s) stop their VM within the SLO."
        Assert.Contains($"<li class=\"risk\">None of the {migrations} migration(s) completed: no VM reached its destination, so the downtime SLO judges none.</li>", html);
        Assert.Contains($"<p class=\"risk\">None of the {migrations} migration(s) completed, so no stop can be judged against the SLO.</p>", html);
        Assert.DoesNotContain("within the downtime SLO", html);
        Assert.DoesNotContain("within the SLO", html);
    }

    /// <summary>The SLO section's sentence for each mix of outcomes, its counts read from simulation.json ({0} live
    /// migrations, {1} completed, {2} of those within the SLO, {3} not completed, {4} over the SLO). With only some
    /// completed it said "All N migration(s) stop their VM within the SLO." (--fail-link 0.5), or counted those over
    /// the SLO out of all N without saying how many completed.</summary>
    [Theory]
    [InlineData("--fail-link 0.5", "<p class=\"risk\">{1} of {0} migration(s) completed and {2} of those stop their VM within the SLO; {3} did not complete. The longest stop is ")]
    [InlineData("--fail-link 0.5 --max-downtime 5", "<p class=\"risk\">{1} of {0} migration(s) completed and {2} of those stop their VM within the SLO; {3} did not complete; {4} stop their VM longer than the SLO:</p>")]
    [InlineData("", "<p class=\"ok\">All {0} migration(s) completed and stop their VM within the SLO. The longest stop is ")]
    [InlineData("--max-downtime 5", "<p class=\"risk\">All {0} migration(s) completed and {2} of them stop their VM within the SLO; {4} stop their VM longer than the SLO:</p>")]
    public void The_slo_section_says_how_many_migrations_completed_and_how_many_of_those_stop_within_the_slo(string options, string expected)
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "plan");
        string[] args = ["plan", Generated(tmp), "--out", outDir, "--deterministic", "--time-limit", "1", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        Assert.Equal(0, CliRunner.Run(args).ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        using var sim = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "simulation.json")));
        var migrations = sim.RootElement.GetProperty("migrations").EnumerateArray().ToList();
        bool Arrived(System.Text.Json.JsonElement m) => m.GetProperty("status").GetString() is "completed" or "recovered";
        bool Over(System.Text.Json.JsonElement m) => m.GetProperty("slo_violation").GetBoolean();
        var (n, arrived) = (migrations.Count, migrations.Count(Arrived));
        var (within, over) = (migrations.Count(m => Arrived(m) && !Over(m)), migrations.Count(Over));

        Assert.True(n > 0, "the generated data centre is wasteful: the plan migrates");
        Assert.True(options.Contains("--fail-link") ? arrived > 0 && arrived < n : arrived == n, $"{arrived} of {n} completed");
        Assert.True(options.Contains("--max-downtime") ? over > 0 : over == 0, $"{over} over the SLO");
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, n, arrived, within, n - arrived, over), html);
        if (arrived < n) Assert.DoesNotContain($"All {n} migration(s)", html);
    }

    [Fact]
    public void Plan_report_and_plots_repeat_byte_for_byte()
    {
        using var tmp = new TempDirectory();
        var data = Generated(tmp);
        byte[] Run(string name)
        {
            var outDir = Path.Combine(tmp.Path, name);
            Assert.Equal(0, CliRunner.Run("plan", data, "--out", outDir, "--deterministic", "--time-limit", "1").ExitCode);
            return File.ReadAllBytes(Path.Combine(outDir, "report.html"));
        }

        Assert.Equal(Run("a"), Run("b"));
    }

    [Fact]
    public void Sweep_report_highlights_the_pareto_points()
    {
        using var tmp = new TempDirectory();
        var outDir = Path.Combine(tmp.Path, "sweep");
        Assert.Equal(0, CliRunner.Run("sweep", Generated(tmp), "--out", outDir, "--percentile", "90,100", "--headroom", "0,0.2",
            "--migration-weight", "10", "--time-limit", "0.5", "--deterministic").ExitCode);

        var html = File.ReadAllText(Path.Combine(outDir, "sweep.html"));
        var pareto = File.ReadAllLines(Path.Combine(outDir, "sweep.csv")).Skip(1).Count(l => l.Split(',')[16] == "true");

        Assert.Equal(pareto, Regex.Matches(html, "<tr class=\"hi\">").Count);
        Assert.Single(Regex.Matches(html, "src=\"data:image/png;base64,"));
        AssertSelfContained(html);
    }
}
