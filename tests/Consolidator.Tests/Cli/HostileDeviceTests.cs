namespace Consolidator.Tests.Cli;

/// <summary>A device named where a whole file is read (plan.json, simulation.json, a config file): /dev/zero was read
/// until memory ran out ("unexpected OutOfMemoryException", exit code 1, after 4 GB) or for ever. Then refused after a
/// bounded read; now refused before it is opened (<see cref="HostileFileKindTests"/>). One line naming the path, exit
/// code 2.</summary>
public class HostileDeviceTests
{
    [Theory]
    [InlineData("export", "/dev/zero", "--to", "libvirt")]
    [InlineData("plan", "no-such-dataset", "--config", "/dev/zero")]
    public void An_endless_device_is_refused(params string[] args)
    {
        if (!File.Exists("/dev/zero")) return; // Linux only
        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/dev/zero", result.Err);
        Assert.Contains("/dev/zero: a character device, not a regular file", result.Err);
        HostileInputTests.AssertOneCleanLine(result.Err);
    }
}
