using System.Diagnostics;
using Consolidator.Cli.Commands;

namespace Consolidator.Tests.Cli;

/// <summary>What the CLI's clock reads of the command's scheduling group (Linux's /proc).</summary>
public class SchedulerClockTests
{
    [Fact]
    public void A_process_s_stat_gives_its_session_and_its_own_and_waited_children_s_processor_seconds()
    {
        // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
        var stat = "4242 (a (b) c) R 1 4242 777 0 -1 4194304 100 0 0 0 250 50 1000 200 20 0 1 0 123 4096 10";
        Assert.Equal((777L, 15.0), SchedulerClock.ParseStat(stat));
        Assert.Null(SchedulerClock.ParseStat("4242 (short) R 1 2"));
        Assert.Null(SchedulerClock.ParseStat("no parenthesis"));
        Assert.Null(SchedulerClock.ParseStat("1 (x) R 1 1 seven 0 -1 0 0 0 0 0 1 1 1 1"));
    }

    [Fact]
    public void Autogroup_applies_only_in_the_root_cpu_cgroup()
    {
        Assert.True(SchedulerClock.RootCpuCgroup(["9:name=systemd:/", "2:cpuacct:/", "1:cpu:/", "0::/"]));
        Assert.True(SchedulerClock.RootCpuCgroup(["4:cpu,cpuacct:/", "0::/user.slice"]));
        Assert.False(SchedulerClock.RootCpuCgroup(["4:cpu,cpuacct:/docker/abc", "0::/"]));
        Assert.True(SchedulerClock.RootCpuCgroup(["0::/"]));
        Assert.False(SchedulerClock.RootCpuCgroup(["0::/user.slice/user-1000.slice/session-2.scope"]));
        Assert.False(SchedulerClock.RootCpuCgroup([]));
    }

    /// <summary>A busy child in the test's own session (started without a session of its own) is the group's: its
    /// processor time shows. Skips where the clock cannot read the group (autogroup off, a cgroup, not Linux).</summary>
    [SkippableFact]
    public void A_busy_process_in_the_command_s_session_counts_as_the_group_s()
    {
        var clock = SchedulerClock.Instance;
        var before = clock.GroupNeighbourSeconds;
        Skip.If(double.IsNaN(before), "the clock does not read the scheduling group here (autogroup off, a cpu cgroup, or not Linux)");
        using var busy = Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]))!;
        try
        {
            // Processor time, not wall clock: the loop's share depends on the load, so wait until it shows.
            var after = before;
            for (var i = 0; i < 600 && after - before < 0.05; i++)
            {
                Thread.Sleep(100);
                after = clock.GroupNeighbourSeconds;
            }
            Assert.True(after - before >= 0.05, $"the session's other processes used {after - before:F2} s");
        }
        finally
        {
            busy.Kill();
            busy.WaitForExit();
        }
    }
}
