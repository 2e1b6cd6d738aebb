using System.CommandLine;
using Consolidator.Datasets;
using Consolidator.Output;
using Consolidator.Packing;
using Consolidator.Planning;
using Consolidator.Plots;
using Consolidator.Profiles;
using Consolidator.Reporting;
using Consolidator.Solving;
using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

internal static class PlanCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CommandStart start)
    {
        var dataset = new Argument<string>("DATASET_DIR") { Description = "Folder with hosts.csv, vms.csv and usage.csv" };
        var outDir = new Option<string>("--out") { Description = "Folder to write plan.json, plan.csv and the simulation into (created if missing; default out/<dataset folder name>)" };
        var headroom = new Option<double>("--headroom") { Description = "Fraction of every host's CPU and memory kept free in the final placement", DefaultValueFactory = _ => 0.10 };
        var weight = new Option<double>("--migration-weight") { Description = "Cost of a move in Wh-equivalent per GiB of VM memory, added to daily energy in the objective", DefaultValueFactory = _ => 10 };
        var diskWeight = new Option<double>("--disk-weight") { Description = "Cost of the disk data a move copies to or from local storage, in Wh-equivalent per GiB sent after deduplication (blocks of its image already on the destination are not sent); default: the energy of sending it (Liu et al. 2011)", DefaultValueFactory = _ => PlacementOptions.DataEnergyWhPerGiB };
        var wholeDisks = new Option<bool>("--whole-disks") { Description = "Count every disk on local storage whole in placement, as if no store kept shared image blocks once (a bound from above, for comparison)" };
        var cpuRatio = new Option<double>("--cpu-allocation-ratio") { Description = "vCPUs a host may give out per physical core, as OpenStack Nova's placement counts them (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaCpuAllocationRatio };
        var ramRatio = new Option<double>("--ram-allocation-ratio") { Description = "Allocated memory (vms.csv memory_mib) a host may give out per MiB it has, as Nova counts it (0 = no limit)", DefaultValueFactory = _ => PlacementOptions.NovaRamAllocationRatio };
        var memoryFloor = new Option<bool>("--memory-floor") { Description = "Count at least the memory vms.csv allocates (true) or only the measured memory (false)", DefaultValueFactory = _ => true };
        var solver = new SolverOptionsBinder(start, 30);
        var perHost = new Option<int>("--max-migrations-per-host") { Description = "At most this many migrations touch a host in one stage, in or out (0 = no cap)", DefaultValueFactory = _ => 2 };
        var noSimulate = new Option<bool>("--no-simulate") { Description = "Do not replay the plan through the live-migration simulator" };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not draw the plots (PNG and SVG) beside plan.json" };
        var simulation = new SimulationOptionsBinder();
        var profile = new ProfileOptionsBinder();

        var cmd = new Command("plan", "Profile the traces, solve the placement with CP-SAT, stage the migrations, validate, simulate the migrations, and write plan.json, plan.csv, allocation.csv, simulation.json, simulation.csv, report.html and the plots into one output folder.")
        {
            dataset, outDir, headroom, weight, diskWeight, wholeDisks, memoryFloor, cpuRatio, ramRatio, perHost, noSimulate, noPlots,
        };
        solver.AddTo(cmd);
        profile.AddTo(cmd);
        simulation.AddTo(cmd);
        var scripting = new ScriptingOptions(ScriptingOptions.Slo, ScriptingOptions.Overload, ScriptingOptions.Blocked, ScriptingOptions.Time);
        scripting.AddTo(cmd);
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var failOn = scripting.FailOn(r, solver.Read(r).Deterministic);
            if (r.GetValue(noSimulate) && (failOn.Contains(ScriptingOptions.Slo) || failOn.Contains(ScriptingOptions.Overload)))
                throw new FormatException("--fail-on slo and overload are findings of the replay: drop --no-simulate");
            var request = new PlanRequest(
                new PlacementOptions(r.GetValue(headroom), r.GetValue(weight), r.GetValue(memoryFloor), r.GetValue(cpuRatio), r.GetValue(ramRatio),
                    r.GetValue(diskWeight), r.GetValue(wholeDisks)),
                solver.Read(r),
                r.GetValue(perHost),
                r.GetValue(noSimulate) ? null : simulation.Read(r));
            request.Validate();
            var windows = profile.Windows(r);
            var profileOptions = profile.Read(r);
            var dir = r.GetValue(outDir) ?? Path.Combine("out", DatasetReader.NameOf(r.GetValue(dataset)!));
            OutputSet.Check(dir, OutputKind.Plan);
            var deadline = solver.Deadline(r);

            using var progress = new TerminalProgress(stderr, deadline);
            progress.Say("reading dataset");
            // With its fingerprint, recorded in plan.json: `export` checks the plan against this dataset, as it was read.
            var data = DatasetReader.Read(r.GetValue(dataset)!, fingerprint: true);
            var source = PlanJsonWriter.Source(r.GetValue(dataset)!, dir, data);
            // Reading and profiles cannot be cut short; how long they took against an idle machine paces the
            // reserves of every phase after them.
            deadline.Mark("reading", DatasetReader.IdleSeconds(data), DatasetReader.IdleProcessorSeconds(data));
            progress.Say($"profiling {data.Vms.Length} VMs");
            var profiles = ProfileBuilder.Build(data, windows, profileOptions);
            deadline.Mark("profiles", ProfileBuilder.IdleSeconds(data), ProfileBuilder.IdleProcessorSeconds(data));
            // The planner names its own steps from here (Deadline.Begin), the solve's among them.
            progress.Say("building the placement problem");
            var drawPlots = !r.GetValue(noPlots);
            // The output's reserve is read again at every question the planner asks: it grows with the pace. In two
            // parts: the files, always written whole, and the plots, drawn only while they still fit at their turn
            // (below), whose reserve the solve counts as it reads now, never held at a peak (TimeBudget.Solver).
            var (vms, slices) = (data.Vms.Length, profiles.Windows.Count);
            var plan = Planner.Plan(data, profiles, request, progress, deadline.EarlierBy(
                () => deadline.Paced(OutputSeconds(vms, slices, false)), () => drawPlots ? deadline.Paced(PlotSeconds(vms)) : 0));

            List<OutputFile> files =
            [
                OutputFile.Text("plan.json", w => w.Write(PlanJsonWriter.ToJson(plan, request, source))),
                OutputFile.Text("plan.csv", w => PlanCsvWriter.Write(plan, w)),
                new OutputFile("allocation.csv", s => AllocationCsvWriter.Write(plan.Allocation!, plan.Problem, s)),
            ];
            if (plan.Simulation is { } replay)
            {
                files.Add(OutputFile.Text("simulation.json", w => w.Write(SimulationJsonWriter.ToJson(replay, plan.Problem))));
                files.Add(OutputFile.Text("simulation.csv", w => SimulationCsvWriter.Write(replay, plan.Problem, w)));
            }
            // Plots are the one part of the output that can be left out when the limit is nearly spent.
            // Each figure is drawn only while it and the rest of the output still fit: a pace read too low (reading
            // and profiles too short to tell the load) must not carry the command past its limit.
            IReadOnlyList<Figure> figures = [];
            if (drawPlots && deadline.Allows(deadline.Paced(OutputSeconds(vms, slices, true))))
            {
                progress.Say("drawing the plots");
                figures = PlanPlots.All(plan, data, stop: () => !deadline.Allows(deadline.Paced(OutputSeconds(vms, slices, false) + PlotSeconds(vms) / MostPlots)));
            }
            var footer = new ReportFooter(ToolVersion.Text, r.GetValue(dataset)!, ToolVersion.CommandLine(r),
                request.Solver.Deterministic ? null : DateTimeOffset.UtcNow);
            // The report gives way next, when even it and the files no longer fit (the phases that are never cut short
            // ran past their share): the plan's files are the plan, and are written whole whatever the time; the report
            // is the largest part of the rest (a 1 s limit at load 15-20 took 4 to 8 s in the output, the report's
            // template most of it). Its reserve is held with the files', so a run that keeps its limit writes it.
            var report = deadline.Allows(deadline.Paced(OutputSeconds(vms, slices, false)));
            if (report) files.Add(OutputFile.Text("report.html", w => w.Write(PlanReport.ToHtml(plan, figures, footer))));
            var named = files.Select(f => Outputs.Shown(Path.Combine(dir, f.Name))).ToList();
            progress.Say("writing the output");
            Outputs.Write(stderr, dir, OutputKind.Plan, [.. files, .. Outputs.Figures(figures)]);
            progress.Done();
            if (scripting.Json(r))
            {
                stdout.WriteLine(PlanJsonWriter.ToJson(plan, request, source));
                deadline.Mark("output");
                return ScriptingOptions.Verdict(failOn, plan.Simulation?.Summary, plan.Migrations, stderr, Missed(deadline, stderr));
            }
            PlanText.Write(plan, stdout, request.Solver.Deterministic);
            if (plan.Simulation is { } result) SimulationText.Write(result, plan.Problem, stdout);
            var names = named;
            if (figures.Count > 0) names.Add($"{figures.Count} plots ({string.Join(", ", figures.Select(f => f.Name))}) as PNG and SVG");
            else if (drawPlots) stdout.WriteLine("plots: not drawn, too little of the time limit was left");
            if (!report) stdout.WriteLine("report.html: not written, too little of the time limit was left (raise --time-limit)");
            deadline.Mark("output");
            stdout.WriteLine($"wrote {string.Join(", ", names[..^1])} and {names[^1]}");
            // The deterministic mode's output must not change with the load: no time line there.
            if (deadline.IsWallClock) PlanText.WriteTimeLine(deadline, stdout);
            return ScriptingOptions.Verdict(failOn, plan.Simulation?.Summary, plan.Migrations, stderr, Missed(deadline, stderr));
        }));
        return cmd;
    }

    /// <summary>A limit the command could not keep is said on stderr (<see cref="MissedLimit"/>): the plan's files are
    /// written whole whatever the time (a plan cut short is no plan), the solver, the replay, the plots and the report
    /// having given way first; what remains is reading, profiles, the fallback placement, staging, validation and the
    /// files, never cut short. `plan --time-limit 1` on datasets/default at load 15-20 ended at 10.1 s with exit 0 and
    /// no word but its time line. The exit code stays 0 (the plan is valid and checked) unless the script asked for
    /// <c>--fail-on time</c>.</summary>
    private static string? Missed(Deadline deadline, TextWriter stderr) => MissedLimit.Say(deadline, stderr,
        "reading, profiles, the fallback placement, staging, validation and writing the plan's files", "; the time line on stdout says where the seconds went");

    /// <summary>Seconds the output is expected to take on an idle machine (the summary's text, plan, report, and the
    /// plots when drawn); the deadline scales it by the pace (the room for the estimates' error is the planner's
    /// TimeBudget.MarginSeconds, which the pace does not scale). Measured with `plan` on `generate --vms 30000`, 48
    /// windows (2 idle cores, load 1.4 to 4.8): 4.2 to 5.6 s with the plots, of which allocation.csv (a row per VM and
    /// window, 1.44 million rows, 90 MB) about 1 s; at load 23 to 25 (pace 2.1 to 2.8) 9.0 to 11.3 s. (The 37 to 47 s
    /// once measured here were the report's host table, quadratic in the fleet: see HostChanges.) The fixed part, 0.35 s
    /// of work (0.5 s when it held room too): without plots, planted-other K = 20 (140 VMs, 1 window) took 3.2 to 4.4 s
    /// at pace 10.6 to 14.7 and K = 200 (1,397 VMs, 24 windows) 3.5 to 5.6 s at pace 11.4 to 16.9, 0.30 to 0.38 s of an
    /// idle machine's time whatever the size (docs/overrun-load.sh, six busy loops, load 8-18).</summary>
    private static double OutputSeconds(int vms, int windows, bool plots) =>
        0.35 + vms * 0.7e-4 + (double)vms * windows * 0.8e-6 + (plots ? PlotSeconds(vms) : 0);

    /// <summary>Idle seconds of drawing the plots: a fixed part, the six figures' rendering to PNG and SVG whatever the
    /// fleet's size (0.33 to 0.37 s of processor time on `generate --vms 200`, where the rest of the output took 0.30
    /// to 0.37 s; reserved as 0.02 s before, a plan at --time-limit 3 on that fleet ended at 3.1 to 3.9 s at load 9 to
    /// 14), and 0.9 s at 30,000 VMs (the measurements above).</summary>
    private static double PlotSeconds(int vms) => 0.4 + vms * 0.3e-4;

    /// <summary>Figures of a plan (<see cref="PlanPlots.All"/>, with a replay): a figure's share of <see cref="PlotSeconds"/>.</summary>
    private const int MostPlots = 6;
}
