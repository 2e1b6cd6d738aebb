namespace Consolidator.Timing;

/// <summary>When a command started, on the clock its <see cref="Deadline"/> reads, and the processor seconds the
/// process had used by then: for the CLI's own process its start (the runtime's start-up is inside the limit,
/// however long it took); for a command run in-process (the tests, several at once in one process) the call.</summary>
/// <param name="At">The start, in <see cref="Clock.Now"/>'s seconds.</param>
/// <param name="ProcessorSecondsAt">The process's processor seconds at the start (0 at the process's own start;
/// NaN when the clock does not know them).</param>
public sealed record CommandStart(Clock Clock, double At, double ProcessorSecondsAt)
{
    /// <summary>Starts now.</summary>
    public static CommandStart Now(Clock clock) => new(clock, clock.Now, clock.ProcessorSeconds);

    /// <summary>The process's own start, <paramref name="secondsAgo"/> before now (never after now): its processor
    /// time counts from zero.</summary>
    public static CommandStart ProcessStartedAgo(Clock clock, double secondsAgo) => new(clock, clock.Now - Math.Max(0, secondsAgo), 0);
}
