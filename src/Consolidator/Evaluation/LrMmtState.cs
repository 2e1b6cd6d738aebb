using System.Collections.Immutable;
using Consolidator.Inventory;

namespace Consolidator.Evaluation;

/// <summary>The hosts as CloudSim's PowerVmAllocationPolicyMigrationLocalRegression sees them during one
/// optimisation: VMs per host in arrival order, requested CPU now, allocated memory, and the host's CPU
/// history (sum of its VMs' histories, most recent first, in cores).</summary>
internal sealed class LrMmtState
{
    public const int HistoryLength = 30;      // PowerVm.HISTORY_LENGTH
    public const int RegressionLength = 10;   // "10 to make the regression responsive enough"
    public const double SafetyParameter = 1.2;
    public const double FallbackThreshold = 0.7;
    public const double SchedulingSeconds = 300;

    private readonly ImmutableArray<Host> _hosts;
    private readonly double[][] _vmHistory;
    private readonly double[] _vmCpu;
    private readonly double[] _vmMemory;
    private readonly double _bandwidthMbps;

    public LrMmtState(ImmutableArray<Host> hosts, double[][] vmHistory, double[] vmCpu, double[] vmMemory, double bandwidthMbps)
    {
        _hosts = hosts;
        _vmHistory = vmHistory;
        _vmCpu = vmCpu;
        _vmMemory = vmMemory;
        _bandwidthMbps = bandwidthMbps;
        Vms = [.. hosts.Select(_ => new List<int>())];
        Cpu = new double[hosts.Length];
        Memory = new double[hosts.Length];
        History = [.. hosts.Select(_ => new double[HistoryLength])];
    }

    public List<int>[] Vms { get; }
    public double[] Cpu { get; }
    public double[] Memory { get; }
    public double[][] History { get; }
    public int HostCount => _hosts.Length;

    public double Utilisation(int h) => Cpu[h] / _hosts[h].CpuCores;

    public void Add(int vm, int h)
    {
        Vms[h].Add(vm);
        Cpu[h] += _vmCpu[vm];
        Memory[h] += _vmMemory[vm];
        for (var i = 0; i < HistoryLength; i++) History[h][i] += _vmHistory[vm][i];
    }

    public void Remove(int vm, int h)
    {
        Vms[h].Remove(vm);
        Cpu[h] -= _vmCpu[vm];
        Memory[h] -= _vmMemory[vm];
        for (var i = 0; i < HistoryLength; i++) History[h][i] -= _vmHistory[vm][i];
        if (Vms[h].Count == 0)
        {
            // Start the next VM from exact zeros rather than rounding residue.
            Cpu[h] = Memory[h] = 0;
            Array.Clear(History[h]);
        }
    }

    /// <summary>isHostOverUtilized: local regression on the last 10 utilisation values, extrapolated past the
    /// longest migration of the host's VMs and scaled by the safety parameter; with less than 10 values of
    /// history, the static 0.7 threshold (CloudSim's fallback in the LR examples).</summary>
    public bool IsOverloaded(int h, int extraVm = -1)
    {
        var cores = _hosts[h].CpuCores;
        var own = History[h];
        var extra = extraVm >= 0 ? _vmHistory[extraVm] : null;
        double At(int i) => own[i] + (extra?[i] ?? 0);

        // MathUtil.trimZeroTail: zeros at the old end do not count as history.
        var length = HistoryLength;
        while (length > 0 && At(length - 1) == 0) length--;
        if (length < RegressionLength) return (Cpu[h] + (extraVm >= 0 ? _vmCpu[extraVm] : 0)) / cores > FallbackThreshold;

        // CloudSim's getLoessParameterEstimates ends in an unweighted least-squares line on x = 1..10
        // (its tricube weights never trigger the weighted branch), oldest value first.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < RegressionLength; i++)
        {
            double x = i + 1, y = At(RegressionLength - 1 - i) / cores;
            sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        var slope = (RegressionLength * sxy - sx * sy) / (RegressionLength * sxx - sx * sx);
        var intercept = (sy - slope * sx) / RegressionLength;
        var maxMemory = extraVm >= 0 ? _vmMemory[extraVm] : 0;
        foreach (var vm in Vms[h]) maxMemory = Math.Max(maxMemory, _vmMemory[vm]);
        var migrationIntervals = Math.Ceiling(MigrationPenalty.Seconds(maxMemory, _bandwidthMbps) / SchedulingSeconds);
        return (intercept + slope * (RegressionLength + migrationIntervals)) * SafetyParameter >= 1;
    }

    /// <summary>findHostForVm (power-aware best fit): among hosts not excluded that have the CPU and memory free
    /// and (when already busy) are not overloaded with the VM, the one whose power rises least; ties go to the
    /// first host.</summary>
    public int FindHost(int vm, ISet<int> excluded)
    {
        var best = -1;
        var bestIncrease = double.MaxValue;
        for (var h = 0; h < HostCount; h++)
        {
            if (excluded.Contains(h)) continue;
            var host = _hosts[h];
            if (host.CpuCores - Cpu[h] < _vmCpu[vm] || host.MemoryMib - Memory[h] < _vmMemory[vm]) continue;
            if (Cpu[h] != 0 && IsOverloaded(h, vm)) continue;
            var increase = host.WattsAt(Cpu[h] + _vmCpu[vm]) - host.WattsAt(Cpu[h]);
            if (increase < bestIncrease)
            {
                bestIncrease = increase;
                best = h;
            }
        }
        return best;
    }

    /// <summary>MMT: the VM with the least memory, the first one on ties.</summary>
    public int MinimumMigrationTimeVm(int h)
    {
        var best = -1;
        foreach (var vm in Vms[h])
            if (best < 0 || _vmMemory[vm] < _vmMemory[best]) best = vm;
        return best;
    }

    /// <summary>PowerVmList.sortByCpuUtilization: most CPU first, a stable sort.</summary>
    public List<int> ByCpuDescending(IEnumerable<int> vms) => [.. vms.OrderByDescending(v => _vmCpu[v])];
}
