using Consolidator.Cli.Commands;

namespace Consolidator.Tests.Timing;

/// <summary>The cpu cgroup and its CFS quota as the kernel shows them, read from a folder of files the test writes in
/// the kernel's formats (/proc/self/cgroup and /proc/self/mountinfo, proc(5); cgroup v1's cpu.cfs_quota_us,
/// cpu.cfs_period_us, cpu.stat and cpuacct.usage; v2's cpu.max, cpu.stat and cgroup.controllers,
/// Documentation/admin-guide/cgroup-v2.rst), so that both formats are checked on any machine.</summary>
public sealed class CpuCgroupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("consolidator-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private void Write(string path, string text)
    {
        var file = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    private const string V1Mounts =
        "25 24 0:22 / /sys/fs/cgroup/cpu rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,cpu\n" +
        "26 24 0:23 / /sys/fs/cgroup/cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,cpuacct\n" +
        "27 24 0:24 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,memory\n";

    /// <summary>docker's --cpus=0.5 on cgroup v1 (quota 50,000 us per 100,000 us), under a parent with 1.5 processors:
    /// the tighter quota counts; the usage from cpuacct at the same path; the throttling from cpu.stat.</summary>
    [Fact]
    public void Cgroup_v1_quota_usage_and_throttling_are_read_from_the_process_s_cgroup_and_its_parents()
    {
        Write("proc/self/cgroup", "4:memory:/docker/abc\n3:cpuacct:/docker/abc\n2:cpu:/docker/abc\n0::/\n");
        Write("proc/self/mountinfo", V1Mounts);
        Write("sys/fs/cgroup/cpu/docker/cpu.cfs_quota_us", "150000\n");
        Write("sys/fs/cgroup/cpu/docker/cpu.cfs_period_us", "100000\n");
        Write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us", "50000\n");
        Write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us", "100000\n");
        Write("sys/fs/cgroup/cpu/docker/abc/cpu.stat", "nr_periods 281\nnr_throttled 90\nthrottled_time 412345678\nnr_bursts 0\nburst_time 0\n");
        Write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        Write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        Write("sys/fs/cgroup/cpuacct/docker/abc/cpuacct.usage", "13012345678\n");

        var cgroup = CpuCgroup.Find(_root)!;
        Assert.False(cgroup.V2);
        Assert.False(cgroup.IsRoot);
        Assert.Equal(0.5, cgroup.QuotaCores!.Value, 9);
        Assert.Equal(13.012345678, cgroup.UsageSeconds!.Value, 9);
        Assert.Equal((281L, 90L, 0.412345678), cgroup.Throttling!.Value);

        // The parent's quota bounds the child's when it is the tighter one; -1 everywhere is no quota.
        Write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us", "400000\n");
        Assert.Equal(1.5, CpuCgroup.Find(_root)!.QuotaCores!.Value, 9);
        Write("sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us", "-1\n");
        Write("sys/fs/cgroup/cpu/docker/cpu.cfs_quota_us", "-1\n");
        Assert.Null(CpuCgroup.Find(_root)!.QuotaCores);
    }

    /// <summary>cgroup v1 with cpuacct at another path than cpu (separate hierarchies): its usage would count other
    /// tasks, so none is read; the root cgroup is the root, where autogroup applies.</summary>
    [Fact]
    public void Cgroup_v1_usage_is_read_only_from_the_same_cgroup_and_the_root_is_told()
    {
        Write("proc/self/cgroup", "3:cpuacct:/\n2:cpu:/batch\n");
        Write("proc/self/mountinfo", V1Mounts);
        Write("sys/fs/cgroup/cpuacct/cpuacct.usage", "999\n");
        Assert.Null(CpuCgroup.Find(_root)!.UsageSeconds);
        Assert.False(CpuCgroup.Find(_root)!.IsRoot);

        Write("proc/self/cgroup", "3:cpuacct:/\n2:cpu:/\n");
        var root = CpuCgroup.Find(_root)!;
        Assert.True(root.IsRoot);
        Assert.Equal(999e-9, root.UsageSeconds!.Value, 15);
    }

    /// <summary>Docker on cgroup v1 without a cgroup namespace bind-mounts the container's own cgroup: mountinfo's root
    /// field is the cgroup's path, and the cgroup is the mount point itself, not the hierarchy's root. A co-mounted
    /// cpu,cpuacct hierarchy gives both files in one folder; a mount point with a space is written \040.</summary>
    [Fact]
    public void A_bind_mounted_cgroup_v1_is_found_at_its_mount_point_and_is_not_the_root()
    {
        Write("proc/self/cgroup", "2:cpu,cpuacct:/docker/abc\n");
        Write("proc/self/mountinfo", "30 29 0:25 /docker/abc /sys/fs/cgroup/cpu\\040acct ro,nosuid - cgroup cgroup ro,cpu,cpuacct\n");
        Write("sys/fs/cgroup/cpu acct/cpu.cfs_quota_us", "200000");
        Write("sys/fs/cgroup/cpu acct/cpu.cfs_period_us", "100000");
        Write("sys/fs/cgroup/cpu acct/cpuacct.usage", "2000000000");
        var cgroup = CpuCgroup.Find(_root)!;
        Assert.False(cgroup.IsRoot);
        Assert.Equal(2, cgroup.QuotaCores!.Value, 9);
        Assert.Equal(2, cgroup.UsageSeconds!.Value, 9);
    }

    /// <summary>A Kubernetes container on cgroup v2: the pod's cpu.max (1.5 processors) bounds the container's ("max");
    /// the usage and throttling from cpu.stat's usage_usec, nr_periods, nr_throttled and throttled_usec.</summary>
    [Fact]
    public void Cgroup_v2_cpu_max_and_cpu_stat_are_read_up_the_tree()
    {
        Write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        Write("proc/self/mountinfo", "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
        Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        Write("sys/fs/cgroup/kubepods/cgroup.controllers", "cpuset cpu io memory pids\n");
        Write("sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
        Write("sys/fs/cgroup/kubepods/pod1/cgroup.controllers", "cpu memory pids\n");
        Write("sys/fs/cgroup/kubepods/pod1/cpu.max", "150000 100000\n");
        Write("sys/fs/cgroup/kubepods/pod1/ctr/cgroup.controllers", "cpu memory pids\n");
        Write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.weight", "100\n");
        Write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n");
        Write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.stat",
            "usage_usec 7500000\nuser_usec 7000000\nsystem_usec 500000\nnr_periods 120\nnr_throttled 33\nthrottled_usec 2100000\n");

        var cgroup = CpuCgroup.Find(_root)!;
        Assert.True(cgroup.V2);
        Assert.False(cgroup.IsRoot);
        Assert.Equal(1.5, cgroup.QuotaCores!.Value, 9);
        Assert.Equal(7.5, cgroup.UsageSeconds!.Value, 9);
        Assert.Equal((120L, 33L, 2.1), cgroup.Throttling!.Value);

        // The container's own quota, tighter: 0.25 processors; a cpu.max without a period has the kernel's default.
        Write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "25000 100000\n");
        Assert.Equal(0.25, CpuCgroup.Find(_root)!.QuotaCores!.Value, 9);
        Assert.Equal(0.5, CpuCgroup.ParseCpuMax("50000"));
        Assert.Null(CpuCgroup.ParseCpuMax("max"));
        Assert.Null(CpuCgroup.ParseCpuMax("garbage 100000"));
        Assert.Null(CpuCgroup.ParseV1Quota("-1", "100000"));
    }

    /// <summary>cgroup v2 where the cpu controller is not enabled below a unit (systemd's user slices without CPU
    /// settings): the process's tasks belong to the nearest ancestor whose cgroup.controllers lists cpu, here the
    /// root, where autogroup applies; a container's cgroup seen as "/" through its namespace has cpu.weight, the root not.</summary>
    [Fact]
    public void Cgroup_v2_without_the_cpu_controller_below_reads_the_ancestor_s_group()
    {
        Write("proc/self/cgroup", "0::/user.slice/user-0.slice/session-1.scope\n");
        Write("proc/self/mountinfo", "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        Write("sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        Write("sys/fs/cgroup/cpu.stat", "usage_usec 90000000\n");
        Write("sys/fs/cgroup/user.slice/cgroup.controllers", "memory pids\n");
        Write("sys/fs/cgroup/user.slice/user-0.slice/cgroup.controllers", "memory pids\n");
        Write("sys/fs/cgroup/user.slice/user-0.slice/session-1.scope/cgroup.controllers", "memory pids\n");
        var cgroup = CpuCgroup.Find(_root)!;
        Assert.True(cgroup.IsRoot);
        Assert.Equal(Path.Combine(_root, "sys/fs/cgroup"), cgroup.Directory);
        Assert.Null(cgroup.QuotaCores);

        // Inside a container with its own cgroup namespace: "/" is the container's cgroup, with its quota.
        Write("proc/self/cgroup", "0::/\n");
        Write("sys/fs/cgroup/cpu.weight", "100\n");
        Write("sys/fs/cgroup/cpu.max", "50000 100000\n");
        cgroup = CpuCgroup.Find(_root)!;
        Assert.False(cgroup.IsRoot);
        Assert.Equal(0.5, cgroup.QuotaCores!.Value, 9);
    }

    /// <summary>Nothing to read: no files (not Linux), no cpu hierarchy mounted, a cgroup outside the mount (another
    /// cgroup namespace's path).</summary>
    [Fact]
    public void No_cgroup_is_found_where_the_kernel_shows_none()
    {
        Assert.Null(CpuCgroup.Find(_root));
        Write("proc/self/cgroup", "2:cpu:/a\n");
        Write("proc/self/mountinfo", "27 24 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
        Assert.Null(CpuCgroup.Find(_root));
        Write("proc/self/mountinfo", "30 29 0:25 /docker/abc /sys/fs/cgroup/cpu ro - cgroup cgroup ro,cpu\n");
        Write("proc/self/cgroup", "2:cpu:/../other\n");
        Assert.Null(CpuCgroup.Find(_root));
    }
}
