using System.CommandLine;
using System.Globalization;
using Consolidator.Calibration;

namespace Consolidator.Cli.Commands;

/// <summary>`consolidator calibrate`: the simulator against every reference point (published measurements and
/// the lab's real QEMU migrations), as the README's table; with --fit, the lab's constants refitted.</summary>
internal static class CalibrateCommand
{
    public const string DefaultLabCsv = "datasets/calibration/qemu-7.2-tcg.csv";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var lab = new Option<string>("--lab") { Description = "The lab's measurements (CSV written by bench --family qemu)", DefaultValueFactory = _ => DefaultLabCsv };
        var fit = new Option<bool>("--fit") { Description = "Refit the lab's constants on the fit points and print them (the table then uses them)" };
        var cmd = new Command("calibrate", "Compare the simulator with published live-migration measurements and the lab's real QEMU migrations; print the calibration table (Markdown).")
        {
            lab, fit,
        };
        cmd.SetAction(r => Guard.Run(r, stderr, () =>
        {
            var rows = LabCsv.Read(r.GetValue(lab)!);
            var environment = LabEnvironment.Fitted;
            if (r.GetValue(fit))
            {
                environment = LabFit.Fit(rows, environment);
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fitted: {environment} (loss {LabFit.Loss([.. rows.Where(x => LabPoints.FitScenarios.Contains(x.Scenario))], environment.ToVector()):0.###})"));
            }
            var table = CalibrationCheck.Compare([.. PublishedPoints.All, .. LabPoints.From(rows, environment)]);
            CalibrationTable.WriteMarkdown(table, stdout);
            stdout.WriteLine();
            foreach (var line in CalibrationTable.Summary(table)) stdout.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
