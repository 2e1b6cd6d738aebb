using System.Text;
using Consolidator.Datasets;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;
using Consolidator.Tests.Support;
using Consolidator.Traces;

namespace Consolidator.Tests.Reporting;

public class PlanJsonReaderTests
{
    private static readonly PlanRequest Request = new(new PlacementOptions(0.2, 5, true), new SolverOptions(2, 1, 1, Deterministic: true), 2);

    private static (Dataset Data, PlanOutcome Plan, string Json) Planned()
    {
        // Eight small VMs spread over four hosts: the plan consolidates them, so it has stages to read back.
        var data = TestInstances.Make(
            Enumerable.Range(1, 4).Select(h => TestInstances.Host($"h{h}")),
            Enumerable.Range(0, 8).Select(v => new Consolidator.Inventory.Vm($"vm{v}", 2, 4096, $"h{v % 4 + 1}")),
            (v, h) => (v % 2 == 0 == (h is >= 7 and < 19) ? 1.5 : 0.5, 3000));
        var plan = Planner.Plan(data, ProfileBuilder.Build(data, WindowScheme.DayNight(), 90), Request);
        return (data, plan, PlanJsonWriter.ToJson(plan, Request));
    }

    private static PlanFile Parse(string json, Dataset data) => PlanJsonReader.Parse(Encoding.UTF8.GetBytes(json), "out/plan.json", data);

    /// <summary>Saved by a Windows editor, with a UTF-8 byte-order mark: "not valid JSON at column 1: '0xEF' is an invalid
    /// start of a value", where the CSV and config readers take the mark. Read as without it, errors on the same lines.</summary>
    [Fact]
    public void A_byte_order_mark_is_read_past()
    {
        var (data, plan, json) = Planned();
        byte[] Marked(string text) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

        var file = PlanJsonReader.Parse(Marked(json), "out/plan.json", data);
        var e = Assert.Throws<InputException>(() => PlanJsonReader.Parse(Marked(json.Replace("\"move\"", "\"evil\"")), "out/plan.json", data));

        Assert.Equal(plan.Migrations.Stages.Length, file.Migrations.Stages.Length);
        Assert.Equal("kind", e.Column);
        Assert.Equal(json[..json.IndexOf("\"move\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1, e.Line);
    }

    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        var (data, plan, json) = Planned();

        var file = Parse(json, data);

        Assert.Equal("day-night", file.Windows.Name);
        Assert.Equal(90, file.Percentile);
        Assert.Equal(Request.Placement, file.Placement);
        Assert.Equal(plan.Target, file.Target);
        Assert.NotEmpty(file.Migrations.Stages);
        Assert.Equal(plan.Migrations.Stages.Length, file.Migrations.Stages.Length);
        for (var s = 0; s < file.Migrations.Stages.Length; s++)
        {
            Assert.Equal(plan.Migrations.Stages[s].Number, file.Migrations.Stages[s].Number);
            Assert.Equal(plan.Migrations.Stages[s].Migrations.ToArray(), file.Migrations.Stages[s].Migrations.ToArray());
        }
        Assert.Equal(plan.Migrations.Blocked.ToArray(), file.Migrations.Blocked.ToArray());
    }

    [Fact]
    public void A_multiplexed_plan_reads_back_its_sizing_and_a_percentile_plan_reads_as_before()
    {
        var (data, _, json) = Planned();
        Assert.DoesNotContain("\"sizing\"", json);
        Assert.Equal(DemandSizing.Percentile, Parse(json, data).Profile.Sizing);

        var options = new ProfileOptions(90, Sizing: DemandSizing.Multiplexed, MultiplexVms: 12);
        var plan = Planner.Plan(data, ProfileBuilder.Build(data, WindowScheme.DayNight(), options), Request);
        var file = Parse(PlanJsonWriter.ToJson(plan, Request), data);
        Assert.Equal(options, file.Profile);

        var bad = PlanJsonWriter.ToJson(plan, Request).Replace("\"sizing\": \"multiplexed\"", "\"sizing\": \"clt\"");
        Assert.Contains("'sizing'", Assert.Throws<InputException>(() => Parse(bad, data)).Message);
    }

    [Fact]
    public void An_unknown_vm_is_located_by_line_and_column()
    {
        var (data, _, json) = Planned();
        var bad = json.Replace("\"vm_id\": \"vm3\"", "\"vm_id\": \"vm-zz\"");
        var line = bad.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains("vm-zz"));
        var column = line.l.IndexOf("\"vm-zz\"", StringComparison.Ordinal) + 1;

        var e = Assert.Throws<InputException>(() => Parse(bad, data));

        Assert.Equal($"out/plan.json:{line.i + 1}, column {column} 'vm_id': unknown VM: not a vm_id of the dataset's vms.csv (value 'vm-zz')", e.Message);
    }

    [Theory]
    [InlineData("\"schema\": \"consolidator.plan/1\"", "\"schema\": \"other/2\"", "'schema'", "not a plan this version reads")]
    [InlineData("\"headroom\": 0.2", "\"headroom\": \"lots\"", "'headroom'", "expected a number")]
    [InlineData("\"windows\": \"day-night\"", "\"windows\": \"fortnightly\"", "'windows'", "--windows must be")]
    [InlineData("\"stage\": 1,", "\"stage\": 7,", "'stage'", "expected 1")]
    [InlineData("\"kind\": \"move\"", "\"kind\": \"teleport\"", "'kind'", "must be \"move\", \"relay\" or \"place\"")]
    [InlineData("\"memory_allocation_floor\": true,", "", "'memory_allocation_floor'", "is missing")]
    public void A_bad_field_is_located_and_named(string good, string bad, string field, string problem)
    {
        var (data, _, json) = Planned();
        Assert.Contains(good, json);

        var e = Assert.Throws<InputException>(() => Parse(json.Replace(good, bad), data));

        Assert.StartsWith("out/plan.json:", e.Message);
        Assert.Contains(field, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData("\"headroom\": 0.2", "\"headroom\": \"lots\"", "headroom", "expected a number", "lots")]
    [InlineData("\"stage\": 1,", "\"stage\": 1.5,", "stage", "expected a whole number", "1.5")]
    [InlineData("\"placement\": [", "\"placement\": [ 7,", "placement", "expected an object", "7")]
    [InlineData("\"memory_allocation_floor\": true", "\"memory_allocation_floor\": null", "memory_allocation_floor", "required field \"memory_allocation_floor\" is missing", "null")]
    public void A_value_of_the_wrong_kind_is_located_at_the_value_as_the_serializer_found_it(string good, string bad, string field, string problem, string value)
    {
        var (data, _, json) = Planned();
        Assert.Contains(good, json);
        var text = json.Replace(good, bad);
        var line = text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(bad));
        var column = line.l.IndexOf(bad, StringComparison.Ordinal) + bad.IndexOf(':') + 3 + (value == "7" ? 2 : 0);

        var e = Assert.Throws<InputException>(() => Parse(text, data));

        Assert.Equal($"out/plan.json:{line.i + 1}, column {column} '{field}': {problem} (value '{value}')", e.Message);
    }

    [Theory]
    [InlineData("", "out/plan.json:1: the file is empty; expected a plan.json object")]
    [InlineData("null", "out/plan.json:1, column 1 '$': expected a plan.json object (value 'null')")]
    [InlineData("{} {}", "out/plan.json:1: not valid JSON at column 4:")]
    [InlineData("[1, 2]", "out/plan.json:1, column 1 '$': expected an object (value '[...]')")]
    public void A_file_that_is_not_a_plan_object_says_so(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => Parse(text, RandomInstances.Make(1)));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Broken_json_names_the_line()
    {
        var (data, _, json) = Planned();
        var lines = json.Split('\n');
        lines[5] = lines[5].Replace(":", "");

        var e = Assert.Throws<InputException>(() => Parse(string.Join('\n', lines), data));

        Assert.StartsWith("out/plan.json:6: not valid JSON", e.Message);
    }

    [Fact]
    public void A_plan_for_another_dataset_is_refused()
    {
        var (_, _, json) = Planned();
        var other = RandomInstances.Make(12);

        var e = Assert.Throws<InputException>(() => Parse(json, other));

        Assert.StartsWith("out/plan.json:", e.Message);
    }

    [Fact]
    public void A_missing_file_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => PlanFileReader.Read("no/such/plan.json", RandomInstances.Make(1)));
        Assert.Equal("no/such/plan.json: file not found", e.Message);
    }

    [Theory]
    [InlineData("\"headroom\": 0.2", "\"headroom\": 1.5", "headroom", "must be in [0, 1)", "1.5")]
    [InlineData("\"headroom\": 0.2", "\"headroom\": -0.1", "headroom", "must be in [0, 1)", "-0.1")]
    [InlineData("\"migration_weight_wh_per_gib\": 5", "\"migration_weight_wh_per_gib\": -5", "migration_weight_wh_per_gib", "must be a number from 0 to 1e12", "-5")]
    [InlineData("\"percentile\": 90", "\"percentile\": 101", "percentile", "must be in (0, 100]", "101")]
    [InlineData("\"percentile\": 90", "\"percentile\": 0", "percentile", "must be in (0, 100]", "0")]
    [InlineData("\"margin\": 0", "\"margin\": 11", "margin", "must be a fraction from 0 to 10 (0.15 = 15 %)", "11")]
    public void An_option_out_of_range_is_a_plan_json_field_error_not_a_parameter_name(string good, string bad, string field, string problem, string value)
    {
        var (data, _, json) = Planned();
        Assert.Contains(good, json);
        var text = json.Replace(good, bad);
        var line = text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(bad));

        var e = Assert.Throws<InputException>(() => Parse(text, data));

        Assert.Equal($"out/plan.json:{line.i + 1}, column {line.l.IndexOf(bad, StringComparison.Ordinal) + bad.IndexOf(':') + 3} '{field}': {problem} (value '{value}')", e.Message);
        Assert.DoesNotContain("Parameter", e.Message);
        Assert.DoesNotContain("--", e.Message);
    }
}
