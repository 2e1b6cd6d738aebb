using System.CommandLine;
using System.Globalization;
using Consolidator.Calibration;

namespace Consolidator.Cli.Commands;

/// <summary>`consolidator calibrate`: the simulator against every reference point (published measurements and
/// the lab's real QEMU migrations), as docs/simulator.md's table; with --fit, the lab's constants refitted.</summary>
internal static class CalibrateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var lab = new Option<string[]>("--lab")
        {
            Description = "The lab's measurements (CSV written by bench --family qemu); repeat for several recordings (default: the two recordings the acceptance judges, datasets/calibration/qemu-7.2-tcg-threads.csv and -tcg-rerun.csv; with --cpu-share every recording there; the lab constants were fitted on the fit scenarios of the first)",
            AllowMultipleArgumentsPerToken = false,
        };
        var fit = new Option<bool>("--fit") { Description = "Refit the lab's constants on the fit points and print them (the table then uses them)" };
        var cpuShare = new Option<bool>("--cpu-share")
        {
            Description = "Replay the lab with one CPU-share constant set fitted on every recording (default --lab: every recording)",
        };
        var measuredSend = new Option<bool>("--measured-send-cost")
        {
            Description = "Ablation: replay each recording with its machine's CPU cost of a data page sent, measured on its fit rows apart from the thread's other work, instead of its one source factor (docs/simulator.md)",
        };
        var sendOverlap = new Option<string>("--send-overlap")
        {
            Description = "Ablation: replay the send of data pages at each machine's whole measured CPU cost per GiB, overlapping the wire as the socket's queue allows (socket-buffer, the default when given bare), or adding to it whole (adds), or fully overlapping it (overlaps) (docs/simulator.md)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        ValueParsers.OneOf(sendOverlap, "socket-buffer", "adds", "overlaps");
        var blockMirror = new Option<string?>("--block-mirror")
        {
            Description = "Instead: the block-migration table, the simulator's block mirror against the drive-mirror lab's jobs (CSV written by lab/qemu/drive-mirror.py; default: " + BlockMirrorLab.DefaultPath + ")",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var stops = new Option<bool>("--stops")
        {
            Description = "Instead: what each recorded pre-copy stop sent (QEMU's downtime-bytes) against what the model leaves at its stop, per setting",
        };
        var cmd = new Command("calibrate", "Compare the simulator with published live-migration measurements and the lab's real QEMU migrations; print the calibration table (Markdown).")
        {
            lab, fit, cpuShare, measuredSend, sendOverlap, blockMirror, stops,
        };
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            if (r.GetResult(blockMirror) is not null)
            {
                // The lab table's options were ignored without a word: `--block-mirror --fit` printed no fit, exit 0.
                if (new Option[] { lab, fit, cpuShare, measuredSend, sendOverlap }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } other)
                    throw new FormatException($"{other.Name} is an option of the lab table; --block-mirror prints the block-migration table instead");
                var jobs = BlockMirrorLab.Read(r.GetValue(blockMirror) ?? BlockMirrorLab.DefaultPath);
                BlockMirrorLab.WriteMarkdown([.. jobs.Select(BlockMirrorLab.Predict)], stdout);
                return ExitCodes.Ok;
            }
            var shares = r.GetValue(cpuShare);
            string[] paths = r.GetValue(lab) is { Length: > 0 } given ? given : shares ? [.. LabRecording.AllPaths] : [.. LabRecording.DefaultPaths];
            var recordings = LabRecording.ReadAll(paths);
            var environment = shares ? LabEnvironment.CpuShareFitted : LabEnvironment.Fitted;
            if (r.GetValue(measuredSend))
            {
                if (!(environment.ReferenceSendCpuSecondsPerGib > 0))
                    throw new FormatException("--measured-send-cost needs the reference's measured send cost, which --cpu-share's constants do not carry");
                environment = environment with { MeasuredSendCost = true };
            }
            if (r.GetResult(sendOverlap) is not null)
            {
                if (!(environment.ReferenceSendCpuSecondsPerGib > 0))
                    throw new FormatException("--send-overlap needs the reference's measured send cost, which --cpu-share's constants do not carry");
                if (environment.MeasuredSendCost)
                    throw new FormatException("--send-overlap and --measured-send-cost are two ablations of the send cost; give one");
                environment = environment with
                {
                    SendOverlap = r.GetValue(sendOverlap) switch
                    {
                        null or "socket-buffer" => new Simulation.SendOverlap.SocketBuffer(),
                        "adds" => new Simulation.SendOverlap.Adds(),
                        _ => new Simulation.SendOverlap.Overlaps(),
                    },
                };
            }
            if (r.GetValue(stops))
            {
                // All recordings by default: the figure exists only in those made from 2026-12-06 03:39 UTC.
                var stopRecordings = r.GetValue(lab) is { Length: > 0 } ? recordings : LabRecording.ReadAll([.. LabRecording.AllPaths, LabRecording.SmokePath, LabRecording.FreshPath]);
                foreach (var line in StopData.Lines(StopData.Of(stopRecordings, environment))) stdout.WriteLine(line);
                return ExitCodes.Ok;
            }
            if (r.GetValue(fit))
            {
                environment = LabFit.Fit(recordings, environment);
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fitted: {environment} (loss {LabFit.Loss(LabFit.FitRows(recordings), environment, environment.ToVector()):0.###})"));
            }
            var table = CalibrationCheck.Compare([.. PublishedPoints.All, .. LabPoints.From(recordings, environment)]);
            CalibrationTable.WriteMarkdown(table, stdout);
            stdout.WriteLine();
            if (CalibrationSettings.Of(table) is { Length: > 0 } settings)
            {
                CalibrationTable.WriteSettingsMarkdown(settings, stdout);
                stdout.WriteLine();
            }
            foreach (var line in CalibrationTable.Summary(table)) stdout.WriteLine(line);
            foreach (var recording in recordings) stdout.WriteLine(LabMachine.Measure(recording.Rows, environment).Describe(recording.Name, environment.MeasuredSendCost || environment.SendOverlap is not null, environment.SendOverlap is not null));
            // Recordings whose runs were predicted before they ran (the held-out check of 2026-12-07): each run against that
            // prediction and against its replay with the run's own inputs.
            foreach (var recording in recordings)
                if (PreRunTable.Of(recording, environment) is { Length: > 0 } prerun)
                {
                    stdout.WriteLine();
                    stdout.WriteLine($"predicted before each run ({recording.Name}):");
                    PreRunTable.WriteMarkdown(prerun, stdout);
                    foreach (var line in PreRunTable.Summary(prerun)) stdout.WriteLine(line);
                }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
