namespace Consolidator.Simulation;

/// <summary>KubeVirt's dynamic downtime tuning (kubevirt/enhancements VEP 291, `spec.experimental.downtimeTuning` of a
/// MigrationPolicy): virt-launcher sets QEMU's downtime-limit to <see cref="InitialSeconds"/> at the start, and once
/// QEMU's iteration count (libvirt's MemIteration, QEMU's dirty-sync-count) reaches <see cref="StartAfterIteration"/>
/// it raises the limit by one equal step every <see cref="CooldownSeconds"/> up to <see cref="CeilingSeconds"/>
/// (`maxDowntimeMs`). <see cref="Steps"/> counts the levels, the first included, as the VEP's worked examples do (its
/// defaults give 150, 300, 450, ..., 1050 ms: seven levels, six rises of 150 ms). The ramp only moves QEMU's threshold:
/// every other rule of the migration stays.</summary>
public sealed record DowntimeRamp(double InitialSeconds, double CeilingSeconds, int Steps, int StartAfterIteration, double CooldownSeconds)
{
    /// <summary>VEP 291's defaults: 150 ms, 7 levels up to 1050 ms, after iteration 3, every 10 s.</summary>
    public static readonly DowntimeRamp KubeVirtDefault = new(0.15, 1.05, 7, 3, 10);

    /// <summary>The limit in force <paramref name="secondsSinceStart"/> after the ramp began (negative or NaN: not begun).</summary>
    public double LimitAt(double secondsSinceStart) => !(secondsSinceStart >= 0) ? InitialSeconds
        : Math.Min(CeilingSeconds, InitialSeconds + Math.Floor(secondsSinceStart / CooldownSeconds + 1e-9) * (CeilingSeconds - InitialSeconds) / (Steps - 1));

    /// <summary>Seconds after the ramp began at which the limit next rises (infinity once at the ceiling).</summary>
    public double NextStepAt(double secondsSinceStart)
    {
        var done = Math.Floor(Math.Max(0, secondsSinceStart) / CooldownSeconds + 1e-9);
        return done >= Steps - 1 ? double.PositiveInfinity : (done + 1) * CooldownSeconds;
    }

    public void Validate()
    {
        if (!(InitialSeconds > 0) || !(CeilingSeconds >= InitialSeconds) || CeilingSeconds > 2000)
            throw new ArgumentOutOfRangeException(nameof(CeilingSeconds), CeilingSeconds, "the downtime ramp must start above 0 and end at or above its start, at most 2000 s");
        if (Steps < 2 || StartAfterIteration < 1 || !(CooldownSeconds > 0) || double.IsInfinity(CooldownSeconds))
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "the downtime ramp needs at least two levels, an iteration of at least 1 and a positive finite cooldown");
    }
}
