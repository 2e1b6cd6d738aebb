using System.ComponentModel;
using System.Diagnostics;
using Consolidator.Cli;
using Consolidator.Cli.Commands;
using Consolidator.Timing;

// The command's wall-clock limit counts from the process's start, so that the runtime's own start-up is inside it
// however long it took (a cold disk, a busy machine).
return Cli.Run(args, Console.Out, Console.Error, CommandStart.ProcessStartedAgo(SchedulerClock.Instance, SecondsSinceStart()));

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
