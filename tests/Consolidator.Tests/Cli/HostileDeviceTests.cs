namespace Consolidator.Tests.Cli;

/// <summary>A device named where a whole file is read (plan.json, simulation.json, a config file): /dev/zero was read
/// until memory ran out ("unexpected OutOfMemoryException", exit code 1, after 4 GB) or for ever. Now one line naming
/// the path, exit code 2.</summary>
public class HostileDeviceTests
{
    [Theory]
    [InlineData("export", "/dev/zero", "--to", "libvirt")]
    [InlineData("plan", "no-such-dataset", "--config", "/dev/zero")]
    public void An_endless_device_is_refused_after_a_bounded_read(params string[] args)
    {
        if (!File.Exists("/dev/zero")) return; // Linux only
        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/dev/zero", result.Err);
        Assert.Contains("a device or an endless pipe?", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
}
