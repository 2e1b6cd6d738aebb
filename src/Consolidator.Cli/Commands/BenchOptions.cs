using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Consolidator.Benchmarks;

namespace Consolidator.Cli.Commands;

/// <summary>The options that choose what <c>bench</c> runs. <c>bench-one</c> takes the same ones, so the
/// parent hands its settings to each child as arguments (<see cref="ToArgs"/>) and the child lists the
/// same cases.</summary>
internal sealed class BenchOptions
{
    private readonly Option<bool> _full = new("--full") { Description = "Run every family at the issue's sizes and limits (planted K up to 4000 at 300 s, every vector packing instance of up to 200 items); takes hours" };
    private readonly Option<string> _families = new("--family") { Description = $"Comma-separated families to run: {string.Join(", ", BenchFamilies.Names)}, fleet, qemu (default: all but ablation and fleet)" };
    private readonly Option<string> _shared = new("--shared") { Description = "The shared data folder holding datasets/ (skipped with a message when missing)", DefaultValueFactory = _ => Path.Combine("..", "shared") };
    private readonly Option<double?> _timeLimit = new("--time-limit") { Description = "Seconds for every instance (wall-clock, at least 1, for profiles and plan; with --deterministic, counted solver work), instead of each family's own limit" };
    private readonly Option<int> _seed = new("--seed") { Description = "Random seed of the generators and of CP-SAT", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _workers = new("--workers") { Description = "CP-SAT workers; 0 = one per core", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _deterministic = new("--deterministic") { Description = "Bound every instance by counted solver work instead of wall-clock seconds: the rows repeat on any machine under any load (all but the seconds)" };
    private readonly Option<string> _planted = new("--planted-hosts") { Description = "Comma-separated K of the planted instances (default 20,200; --full 20,200,2000,4000)" };
    private readonly Option<string> _generated = new("--generated-vms") { Description = "Comma-separated VM counts of the generated datasets (default 120,1000; --full 120,1000,5000)" };
    private readonly Option<int?> _vbpMaxItems = new("--vbp-max-items") { Description = "Vector packing instances of at most this many items (default: each class's smallest size; --full 200)" };
    private readonly Option<string?> _labSet = new("--lab-set") { Description = "QEMU lab scenarios: smoke (one pre-copy, one post-copy), standard (the calibration matrix) or full (default: standard; --full: full)" };
    private readonly Option<string?> _labScenarios = new("--lab-scenarios") { Description = "QEMU lab: only these comma-separated scenario ids of the set" };
    private readonly Option<string?> _labGuest = new("--lab-guest") { Description = "QEMU lab: folder of the guest kernel and initramfs (default out/lab/qemu; built by lab/qemu/build-guest.sh when missing)" };
    private readonly Option<string?> _labCsv = new("--lab-csv") { Description = "QEMU lab: CSV the measurements go to; a scenario's rows replace its earlier rows (default: qemu-lab.csv in --out)" };
    private readonly Option<int> _labRepeat = new("--lab-repeat") { Description = "QEMU lab: run each scenario N more times and append the runs to its rows in --lab-csv (the spread between runs of one scenario); 0 = run once and replace its rows", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _vbpPerSize = new("--vbp-per-size") { Description = "Vector packing instances per class and size, indexes 0..N-1 (default 1; --full all 10)" };

    public void AddTo(Command command)
    {
        // A missing folder is skipped with a message (CI and a fresh checkout have no ../shared), but a file named
        // there is a mistake: 'bench --shared /etc/passwd' said "not found or empty" and exited 0.
        _shared.Validators.Add(result =>
        {
            if (!result.Implicit && result.GetValueOrDefault<string>() is { Length: > 0 } path && File.Exists(path))
                result.AddError($"--shared: '{Quoted.Value(path)}' is a file; name the shared data folder (the one holding datasets/)");
        });
        foreach (var option in new Option[] { _full, _families, _shared, _timeLimit, _seed, _workers, _deterministic, _planted, _generated, _vbpMaxItems, _vbpPerSize, _labSet, _labScenarios, _labGuest, _labCsv, _labRepeat })
            command.Options.Add(option);
    }

    public BenchSettings Settings(ParseResult r) => new()
    {
        Full = r.GetValue(_full),
        Families = List(r.GetValue(_families), "--family", (name, _) => name),
        SharedFolder = r.GetValue(_shared),
        TimeLimitSeconds = r.GetValue(_timeLimit),
        Seed = r.GetValue(_seed),
        Workers = r.GetValue(_workers),
        Deterministic = r.GetValue(_deterministic),
        PlantedHosts = List(r.GetValue(_planted), "--planted-hosts", Whole),
        GeneratedVms = List(r.GetValue(_generated), "--generated-vms", Whole),
        VectorPackingMaxItems = r.GetValue(_vbpMaxItems),
        VectorPackingPerSize = r.GetValue(_vbpPerSize),
        LabSet = r.GetValue(_labSet),
        LabScenarios = List(r.GetValue(_labScenarios), "--lab-scenarios", (id, _) => id),
        LabGuest = r.GetValue(_labGuest),
        LabCsv = r.GetValue(_labCsv),
        LabRepeat = r.GetValue(_labRepeat),
    };

    /// <summary>The first option of the planted, generated or vector packing instances given (on the command line or in a
    /// config file) while <paramref name="families"/> names none of the families that read it, with those families; or
    /// null. `--family throughput --generated-vms 5` ran the ingest family alone and ignored the VM counts without a word.</summary>
    public (string Option, string[] ReadBy)? UnreadFamilyOption(ParseResult r, ImmutableArray<string> families)
    {
        foreach (var (option, readBy) in new (Option, string[])[]
        {
            (_planted, [PlantedFamily.FamilyName, AblationFamily.FamilyName]),
            (_generated, [GeneratedFamily.FamilyName, AblationFamily.FamilyName, FleetFamily.FamilyName]),
            (_vbpMaxItems, [VectorPackingFamily.FamilyName]),
            (_vbpPerSize, [VectorPackingFamily.FamilyName]),
        })
            if (r.GetResult(option) is { Implicit: false } && !readBy.Any(families.Contains)) return (option.Name, readBy);
        return null;
    }

    /// <summary>The first QEMU lab option given on the command line or in a config file, or null.</summary>
    public string? GivenLabOption(ParseResult r) =>
        new Option[] { _labSet, _labScenarios, _labGuest, _labCsv, _labRepeat }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>The arguments that make a child's <see cref="Settings"/> equal to <paramref name="s"/>.</summary>
    public static IEnumerable<string> ToArgs(BenchSettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        if (s.Full) yield return "--full";
        if (!s.Families.IsEmpty) { yield return "--family"; yield return string.Join(",", s.Families); }
        if (s.SharedFolder is not null) { yield return "--shared"; yield return s.SharedFolder; }
        if (s.TimeLimitSeconds is { } t) { yield return "--time-limit"; yield return t.ToString("R", inv); }
        yield return "--seed"; yield return s.Seed.ToString(inv);
        yield return "--workers"; yield return s.Workers.ToString(inv);
        if (s.Deterministic) yield return "--deterministic";
        if (!s.PlantedHosts.IsEmpty) { yield return "--planted-hosts"; yield return string.Join(",", s.PlantedHosts); }
        if (!s.GeneratedVms.IsEmpty) { yield return "--generated-vms"; yield return string.Join(",", s.GeneratedVms); }
        if (s.VectorPackingMaxItems is { } m) { yield return "--vbp-max-items"; yield return m.ToString(inv); }
        if (s.VectorPackingPerSize is { } p) { yield return "--vbp-per-size"; yield return p.ToString(inv); }
        if (s.LabSet is { } set) { yield return "--lab-set"; yield return set; }
        if (!s.LabScenarios.IsEmpty) { yield return "--lab-scenarios"; yield return string.Join(",", s.LabScenarios); }
        if (s.LabGuest is { } guest) { yield return "--lab-guest"; yield return guest; }
        if (s.LabCsv is { } csv) { yield return "--lab-csv"; yield return csv; }
        if (s.LabRepeat > 0) { yield return "--lab-repeat"; yield return s.LabRepeat.ToString(inv); }
    }

    private static ImmutableArray<T> List<T>(string? text, string option, Func<string, string, T> parse) =>
        text is null ? [] : [.. OptionLists.Items(text, option).Select(x => parse(x, option))];

    private static int Whole(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw new FormatException($"{option} takes comma-separated whole numbers, not '{Quoted.Value(text)}'");
}
