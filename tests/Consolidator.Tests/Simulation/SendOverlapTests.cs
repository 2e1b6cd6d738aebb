using Consolidator.Simulation;
using CsCheck;

namespace Consolidator.Tests.Simulation;

/// <summary>The send's overlap with the wire (docs/simulator.md, "The send's overlap with the wire"): a thread with a
/// core to spare sends behind the wire, a starved one leaves the wire idle for the part of each wait for its core the
/// socket's queue does not cover.</summary>
public class SendOverlapTests
{
    private static readonly SendOverlap Buffer = new SendOverlap.SocketBuffer();

    [Fact]
    public void The_socket_buffer_lies_between_full_overlap_and_adding_whole()
    {
        Gen.Select(Gen.Double[0, 100], Gen.Double[0, 10], Gen.Double[0.001, 1], Gen.Double[0, 0.2]).Sample((wire, send, share, drain) =>
        {
            var (low, mid, high) = (new SendOverlap.Overlaps().Seconds(wire, send, share, drain), Buffer.Seconds(wire, send, share, drain),
                new SendOverlap.Adds().Seconds(wire, send, share, drain));
            return low <= mid + 1e-12 && mid <= high + 1e-12;
        });
    }

    [Fact]
    public void A_queue_that_outlasts_every_wait_overlaps_the_send_whole()
    {
        // Waits of at most (1 - share) x 100 ms: a queue of 100 ms or more covers them all.
        Gen.Select(Gen.Double[0, 100], Gen.Double[0, 10], Gen.Double[0.001, 1]).Sample((wire, send, share) =>
            Buffer.Seconds(wire, send, share, 0.1) == Math.Max(wire, send / share));
    }

    [Fact]
    public void A_thread_held_to_a_quota_idles_the_wire_for_what_the_queue_does_not_cover()
    {
        // The lab's starved data guest: 11 s of wire, 0.33 s of send at 0.04 of a core (8 s of waiting for it), a queue of
        // 1.82 MiB drained in 51 ms at 35.8 MiB/s, waits of 96 ms: 47 % of each wait idles the wire.
        var (wire, send, share, drain) = (11.0, 0.33, 0.04, 1.82 / 35.8);
        var waiting = send / share - send;
        var expected = wire + waiting * (1 - drain / (0.96 * 0.1));

        Assert.Equal(expected, Buffer.Seconds(wire, send, share, drain), 9);
        Assert.InRange(expected - wire, 3.5, 4.5);
        // A longer queue covers more of each wait.
        Assert.True(Buffer.Seconds(wire, send, share, 2 * drain) < expected);
    }

    [Fact]
    public void The_replay_takes_longer_with_the_send_s_idle_wire_and_no_longer_than_adding_it_whole()
    {
        // 320 MiB of data at the bottom of a 512 MiB guest that dirties nothing, its thread at 0.04 of a core.
        var vm = new VmMigrationInputs(512, new DirtyProfile(0, 1, 0), 0.25, ZeroMib: 180, CpuShare: 0.04);
        var lab = new SimulationOptions(MaxDowntimeSeconds: 0.3, QemuDowntimeLimitSeconds: 0.3, DeviceStateMib: 0.25,
            ZeroScanMibPerSecond: 1388, CpuWaitIdlesLink: true, SendCpuSecondsPerGib: 0.86, Link: new LinkProfile("lab-tcp", 1, null, 50e-6, 1.82));
        double Total(SendOverlap? overlap) => LiveMigration.Run(vm, MigrationMethod.PreCopy, 36, lab with { SendOverlap = overlap }).TotalSeconds;

        var (overlaps, buffer, adds) = (Total(new SendOverlap.Overlaps()), Total(Buffer), Total(new SendOverlap.Adds()));

        Assert.True(overlaps < buffer && buffer < adds, $"{overlaps} < {buffer} < {adds}");
        // Null keeps the older rule: with the wait idling the link, the send adds whole.
        Assert.Equal(adds, Total(null), 9);
    }
}
