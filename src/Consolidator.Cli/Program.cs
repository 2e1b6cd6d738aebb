using System.ComponentModel;
using System.Diagnostics;
using Consolidator.Cli;
using Consolidator.Cli.Commands;
using Consolidator.Timing;

// The command's wall-clock limit counts from the process's start, so that the runtime's own start-up is inside it
// however long it took (a cold disk, a busy machine).
// Standard error that cannot be written is no reason to abort: the exit code still says what happened (and a
// command that succeeded but could not print its warnings fails, as one that cannot print its summary does).
var stderr = new StandardError(Console.Error);
Console.SetError(stderr);
var code = Cli.Run(args, Console.Out, Console.Error, CommandStart.ProcessStartedAgo(SchedulerClock.Instance, SecondsSinceStart()));
return code == ExitCodes.Ok && stderr.Lost ? ExitCodes.Failure : code;

// Where the system does not say when the process started, the limit counts from here.
static double SecondsSinceStart()
{
    try
    {
        using var self = Process.GetCurrentProcess();
        return (DateTime.UtcNow - self.StartTime.ToUniversalTime()).TotalSeconds;
    }
    catch (Exception e) when (e is InvalidOperationException or NotSupportedException or Win32Exception)
    {
        return 0;
    }
}
