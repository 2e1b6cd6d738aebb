using System.Collections.Immutable;
using Consolidator.Calibration;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Lab;

/// <summary>Issue 14: each lab recording is replayed with the CPU costs of the machine it was made on, measured on its own
/// rows marked fit and never on its held-out rows, which judge them.</summary>
public class LabMachineTests
{
    private static ImmutableArray<LabMeasurement> Rows(string path) => LabCsv.Read(Path.Combine(RepoPaths.Root, path));

    [Fact]
    public void The_reference_machine_is_what_the_recording_the_constants_were_fitted_on_measures()
    {
        var measured = LabMachine.Measure(Rows(LabRecording.ThreadsPath), LabEnvironment.Fitted);

        Assert.Equal(1, measured.SourceCpuFactor, 3);
        Assert.Equal(LabMachine.Reference.DestinationZeroCpuSecondsPerGib, measured.DestinationZeroCpuSecondsPerGib, 3);
        Assert.Equal(LabMachine.Reference.DestinationDataCpuSecondsPerGib, measured.DestinationDataCpuSecondsPerGib, 3);
    }

    [Fact]
    public void The_reference_send_cost_is_what_the_recording_the_constants_were_fitted_on_measures()
    {
        var rows = Rows(LabRecording.ThreadsPath);

        Assert.Equal(LabEnvironment.Fitted.ReferenceSendCpuSecondsPerGib, LabMachine.SendLeastSquares(rows, LabEnvironment.Fitted)!.Value, 3);
        Assert.Equal(1, LabMachine.Measure(rows, LabEnvironment.Fitted).SourceSendCpuFactor!.Value, 2);
        Assert.Equal(LabEnvironment.Fitted.ReferenceBesideSendCpuFactor, LabMachine.Measure(rows, LabEnvironment.Fitted).SourceBesideSendCpuFactor!.Value, 3);
    }

    [Fact]
    public void With_the_send_s_overlap_the_model_s_cpu_is_the_thread_s_measured_cpu()
    {
        // The send at its measured cost and the rest at its measured factor: the model's CPU time of each fit setting sums
        // to what least squares matched, where the one source factor with the fitted send did so only in total.
        var environment = LabEnvironment.Fitted with { SendOverlap = new Consolidator.Simulation.SendOverlap.SocketBuffer() };
        var rows = Rows(LabRecording.RerunPath);
        var machine = LabMachine.Measure(rows, environment);
        var m0 = LabMachine.FitPreCopy(rows).First(m => m.NormalPages > 0);

        var options = environment.Options(m0, machine);

        Assert.Equal(environment.ReferenceSendCpuSecondsPerGib * machine.SourceSendCpuFactor!.Value, options.SendCpuSecondsPerGib, 9);
        Assert.Equal(environment.SyncSecondsPerGib * machine.SourceBesideSendCpuFactor!.Value, options.SyncSecondsPerGib, 9);
        Assert.Equal(environment.ZeroScanMibPerSecond / machine.SourceBesideSendCpuFactor.Value, options.ZeroScanMibPerSecond, 9);
        Assert.Same(environment.SendOverlap, options.SendOverlap);
        // A machine whose rows do not tell the send apart takes the reference's split times its one factor.
        var old = machine with { SourceSendCpuFactor = null, SourceBesideSendCpuFactor = null };
        Assert.Equal(environment.ReferenceSendCpuSecondsPerGib * old.SourceCpuFactor, environment.Options(m0, old).SendCpuSecondsPerGib, 9);
        Assert.Equal(environment.SyncSecondsPerGib * environment.ReferenceBesideSendCpuFactor * old.SourceCpuFactor, environment.Options(m0, old).SyncSecondsPerGib, 9);
    }

    [Fact]
    public void The_send_factor_is_measured_apart_from_the_other_work()
    {
        // Fit rows whose CPU is the model's own accounting with the data pages' sends made three times dearer: the least
        // squares finds the send factor 3 apart from the other work; only with MeasuredSendCost does the replay use it.
        var environment = LabEnvironment.Fitted;
        var rows = Rows(LabRecording.RerunPath).Select(m => m with
        {
            MigrationCpuSeconds = environment.ModelSourceCpuSecondsBesideData(m) + 3 * LabEnvironment.DataGib(m) * environment.ReferenceSendCpuSecondsPerGib,
        });

        var machine = LabMachine.Measure(rows, environment);

        // Within 2 %: a setting's medians are taken figure by figure over its runs, not of the sum.
        Assert.InRange(machine.SourceSendCpuFactor!.Value, 2.94, 3.06);
        var sendOnly = environment with { MeasuredSendCost = true };
        var m0 = LabMachine.FitPreCopy(rows).First(m => m.NormalPages > 0);
        Assert.Equal(machine.SourceSendCpuFactor.Value * environment.SendCpuSecondsPerGib, sendOnly.Options(m0, machine).SendCpuSecondsPerGib, 9);
        Assert.Equal(machine.SourceCpuFactor * environment.SendCpuSecondsPerGib, environment.Options(m0, machine).SendCpuSecondsPerGib, 9);
    }

    [Fact]
    public void The_cpu_share_constants_replay_the_recordings_they_were_fitted_on_at_factor_one()
    {
        var rows = LabRecording.AllPaths.Take(4).SelectMany(p => Rows(p));

        Assert.Equal(1, LabMachine.Measure(rows, LabEnvironment.CpuShareFitted).SourceCpuFactor, 3);
    }

    [Fact]
    public void A_machine_is_measured_on_the_fit_rows_alone()
    {
        var rows = Rows(LabRecording.RerunPath);
        var machine = LabMachine.Measure(rows, LabEnvironment.Fitted);
        LabMeasurement Busier(LabMeasurement m) => m with { MigrationCpuSeconds = m.MigrationCpuSeconds * 10, DestinationOtherCpuSeconds = m.DestinationOtherCpuSeconds * 10 };

        var heldOutChanged = rows.Select(m => LabPoints.FitScenarios.Contains(m.Scenario) ? m : Busier(m));
        var fitChanged = rows.Select(m => LabPoints.FitScenarios.Contains(m.Scenario) ? Busier(m) : m);

        Assert.Equal(machine, LabMachine.Measure(heldOutChanged, LabEnvironment.Fitted));
        var busier = LabMachine.Measure(fitChanged, LabEnvironment.Fitted);
        Assert.Equal(machine.SourceCpuFactor * 10, busier.SourceCpuFactor, 6);
        Assert.Equal(machine.DestinationZeroCpuSecondsPerGib * 10, busier.DestinationZeroCpuSecondsPerGib, 6);
    }

    [Fact]
    public void The_reruns_machine_needs_less_cpu_per_mib_than_the_reference()
    {
        var machine = LabMachine.Measure(Rows(LabRecording.RerunPath), LabEnvironment.Fitted);

        Assert.InRange(machine.SourceCpuFactor, 0.4, 0.85);
        Assert.InRange(machine.DestinationZeroCpuSecondsPerGib, 0.05, 0.6);
        Assert.InRange(machine.DestinationDataCpuSecondsPerGib, 1.2, 2.6);
    }

    [Fact]
    public void A_recording_without_cpu_figures_takes_the_reference_machine()
    {
        var machine = LabMachine.Measure(Rows("datasets/calibration/qemu-7.2-tcg.csv"), LabEnvironment.Fitted);

        Assert.Equal((LabMachine.Reference.SourceCpuFactor, LabMachine.Reference.DestinationZeroCpuSecondsPerGib, LabMachine.Reference.DestinationDataCpuSecondsPerGib),
            (machine.SourceCpuFactor, machine.DestinationZeroCpuSecondsPerGib, machine.DestinationDataCpuSecondsPerGib));
    }
}
