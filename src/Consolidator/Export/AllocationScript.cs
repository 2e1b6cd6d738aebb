using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Consolidator.Datasets;
using Consolidator.Profiles;

namespace Consolidator.Export;

/// <summary>One row of allocation.csv as the export reads it: host and VM ids (checked, quoted into the script), the window's
/// index in the plan's scheme, the cap in millicores and the shares.</summary>
public sealed record AllocationRow(string Host, string Vm, int Window, int CapMillicores, int Shares, bool Batch);

/// <summary>The host level as a bash script of `virsh schedinfo --live` commands, one block per window: run with
/// no argument it applies the window the current UTC time falls in (for cron at each window start), with a
/// window number that window's block. A dry run by default, like the migration scripts: it prints every
/// command and runs none until run with APPLY=1. A batch VM is held to its cap: libvirt's vcpu_quota caps each
/// vCPU thread, so the script reads the domain's live vCPU count and gives each vCPU cap / vCPUs of the 100 ms
/// period (a cap at or above all its vCPUs is no cap: quota -1). An interactive VM gets no quota (-1), only its
/// shares, scaled where a host's would exceed cgroup v2's range (<see cref="AppliedShares"/>).</summary>
public static class AllocationScript
{
    /// <summary>CFS period libvirt uses by default (100 ms, in microseconds).</summary>
    public const int PeriodMicroseconds = 100_000;

    /// <summary>libvirt's smallest vcpu_quota, in microseconds.</summary>
    public const int MinQuotaMicroseconds = 1000;

    /// <summary>The largest cpu_shares a cgroup v2 host takes: libvirt writes cpu_shares to cpu.weight as it is, whose
    /// range is 1..10000 (the kernel's cgroup-v2.rst), and virsh fails above it ("Unable to write to '.../cpu.weight':
    /// Numerical result out of range", libvirt 9.0 on a v2-only kernel: lab/libvirt/cgroup-v2.sh); cgroup v1's
    /// cpu.shares takes up to 262144.</summary>
    public const int MaxWeight = 10_000;

    /// <summary>The cpu_shares the script sets for <paramref name="shares"/> on a host whose largest shares in the window
    /// are <paramref name="largest"/>: the weights of a host's VMs count only against each other, so where the largest
    /// is above <see cref="MaxWeight"/> every share of that host and window is scaled down by one factor (rounded, at
    /// least libvirt's v1 smallest, 2), which keeps the allocation's ratios; elsewhere the shares as they are.</summary>
    public static int AppliedShares(int shares, int largest) =>
        largest <= MaxWeight ? shares : Math.Max(Allocation.AllocationPlanner.MinShares, (int)Math.Round((double)shares * MaxWeight / largest));

    /// <summary>The rows as the host level's schedule of <paramref name="p"/> (ids to indices, a VM with no row interactive),
    /// for the validator's allocation check.</summary>
    public static Allocation.AllocationSchedule Schedule(IReadOnlyList<AllocationRow> rows, Packing.PlacementProblem p)
    {
        var vms = Enumerable.Range(0, p.VmCount).ToDictionary(v => p.Vms[v].Id, StringComparer.Ordinal);
        var hosts = Enumerable.Range(0, p.HostCount).ToDictionary(h => p.Hosts[h].Id, StringComparer.Ordinal);
        var qos = new Inventory.QosClass[p.VmCount];
        var entries = rows.Select(r => new Allocation.CpuAllocation(hosts.GetValueOrDefault(r.Host, -1), vms.GetValueOrDefault(r.Vm, -1), r.Window, r.CapMillicores, r.Shares))
            .Where(e => e.Vm >= 0) // unreachable: Read refuses a VM the plan does not hold
            .OrderBy(e => e.Host).ThenBy(e => e.Window).ThenBy(e => e.Vm).ToImmutableArray();
        foreach (var r in rows)
            if (r.Batch && vms.TryGetValue(r.Vm, out var v)) qos[v] = Inventory.QosClass.Batch;
        return new Allocation.AllocationSchedule(p.Windows, entries, [.. qos]);
    }

    /// <summary>The header line of a schedule the validator did not see; also what `export` says on stderr.</summary>
    public const string NotChecked =
        "NOT CHECKED against a dataset: exported with --unchecked, so the validator did not check these caps against the plan's hosts (an allocation.csv edited by hand may hand out more CPU than a host has); export without --unchecked to check them";

    /// <param name="validated">Whether the validator checked the caps against the plan and its dataset; when not, the
    /// header says so.</param>
    public static string Write(WindowScheme windows, IReadOnlyList<AllocationRow> rows, string planName, bool validated)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.Append($$"""
            #!/usr/bin/env bash
            # Host-level CPU allocation of {{ShellScript.Comment(planName)}} for libvirt (virsh): {{rows.Count}} cap(s) over {{windows.Count}} window(s) ({{windows.Name}}, UTC).
            # Written by `consolidator export --to libvirt-allocation`. DRY RUN by default: it prints every command and
            # runs none. Review it, then run it with APPLY=1. `bash schedule.sh` applies the window the current UTC time
            # falls in; `bash schedule.sh N` applies window N. Run it at each window start, e.g. from cron.
            set -euo pipefail
            APPLY=${APPLY:-0}
            PERIOD={{PeriodMicroseconds}}

            # cap HOST VM CAP_MILLICORES SHARES: a batch VM held to its cap, vcpu_quota per vCPU thread = cap / live
            # vCPU count of the period.
            cap() {
              local uri="qemu+ssh://$1/system" vm=$2 millicores=$3 shares=$4 vcpus quota
              if [ "$APPLY" != 1 ]; then
                echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_period=$PERIOD --set vcpu_quota=<$millicores millicores / live vCPUs> --set cpu_shares=$shares"
                return
              fi
              vcpus=$(virsh -c "$uri" vcpucount "$vm" --live --current)
              if [ "$millicores" -ge $(( vcpus * 1000 )) ]; then quota=-1
              else quota=$(( millicores * PERIOD / (1000 * vcpus) )); [ "$quota" -ge {{MinQuotaMicroseconds}} ] || quota={{MinQuotaMicroseconds}}
              fi
              echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_period=$PERIOD --set vcpu_quota=$quota --set cpu_shares=$shares"
              virsh -c "$uri" schedinfo "$vm" --live --set "vcpu_period=$PERIOD" --set "vcpu_quota=$quota" --set "cpu_shares=$shares"
            }

            # share HOST VM SHARES: an interactive VM, no quota (it may use idle cores), its weight only.
            share() {
              local uri="qemu+ssh://$1/system" vm=$2 shares=$3
              echo "+ virsh -c $uri schedinfo $(printf %q "$vm") --live --set vcpu_quota=-1 --set cpu_shares=$shares"
              if [ "$APPLY" = 1 ]; then virsh -c "$uri" schedinfo "$vm" --live --set "vcpu_quota=-1" --set "cpu_shares=$shares"; fi
            }

            # The window (0-based) of ISO weekday $1 (1 = Monday) and minute of the day $2, UTC.
            window_at() {
              local day=$(( $1 - 1 )) minute=$2

            """.Replace("\r\n", "\n"));
        foreach (var w in windows.Windows)
        {
            var mask = (int)w.Days;
            var inside = w.StartMinute < w.EndMinute
                ? $"minute >= {w.StartMinute} && minute < {w.EndMinute}"
                : $"minute >= {w.StartMinute} || minute < {w.EndMinute}";
            s.Append(inv, $"  if (( ({mask} >> day) & 1 )) && (( {inside} )); then echo {w.Index}; return; fi  # {w.Label}\n");
        }
        s.Append("""
              echo "error: no window covers day $1 minute $2" >&2; return 1
            }

            if [ $# -ge 1 ]; then WINDOW=$1
            else WINDOW=$(window_at "$(date -u +%u)" $(( 10#$(date -u +%H) * 60 + 10#$(date -u +%M) )))
            fi
            case "$WINDOW" in

            """.Replace("\r\n", "\n"));
        foreach (var group in rows.GroupBy(r => r.Window).OrderBy(g => g.Key))
        {
            s.Append(inv, $"  {group.Key})  # {windows.Windows[group.Key].Label}\n");
            var largest = group.GroupBy(r => r.Host, StringComparer.Ordinal).ToDictionary(h => h.Key, h => h.Max(r => r.Shares), StringComparer.Ordinal);
            foreach (var r in group.OrderBy(r => r.Host, StringComparer.Ordinal).ThenBy(r => r.Vm, StringComparer.Ordinal))
            {
                var shares = AppliedShares(r.Shares, largest[r.Host]);
                var scaled = shares == r.Shares ? "" : string.Create(inv, $"allocation.csv's {r.Shares} scaled: cgroup v2's cpu.weight takes at most {MaxWeight}");
                if (r.Batch) s.Append(inv, $"    cap {ShellScript.Quote(r.Host)} {ShellScript.Quote(r.Vm)} {r.CapMillicores} {shares}{(scaled.Length > 0 ? "  # " + scaled : "")}\n");
                else s.Append(inv, $"    share {ShellScript.Quote(r.Host)} {ShellScript.Quote(r.Vm)} {shares}  # allotted {r.CapMillicores} millicores{(scaled.Length > 0 ? ", " + scaled : "")}\n");
            }
            s.Append("    ;;\n");
        }
        s.Append("""
              *) echo "error: no window $WINDOW in this schedule (0 to $(( WINDOWS - 1 )))" >&2; exit 2 ;;
            esac
            echo "applied window $WINDOW"

            """.Replace("\r\n", "\n").Replace("$(( WINDOWS - 1 ))", windows.Count - 1 + ""));
        // The warning is the header's third line, as in the migration scripts.
        if (!validated) s.Insert(s.ToString().IndexOf('\n', s.ToString().IndexOf('\n') + 1) + 1, "# " + NotChecked + ".\n");
        return s.ToString();
    }

    /// <summary>Reads allocation.csv (host, vm, window, cap_cores, shares, qos) against the plan's window scheme and
    /// placement (<paramref name="hostOf"/>: each VM's host); every problem is an <see cref="InputException"/> with
    /// file, line, column and value. A row for a VM the plan does not hold, on another host than the plan's, or a
    /// second row for one VM and window was written into the script without a word: a schedinfo on a host the VM is
    /// not on, or two caps of which the later silently won.</summary>
    public static ImmutableArray<AllocationRow> Read(string path, WindowScheme windows, IReadOnlyDictionary<string, string> hostOf)
    {
        var seen = new Dictionary<(string Vm, int Window), int>();
        var byLabel = windows.Windows.ToDictionary(w => w.Label, w => w.Index, StringComparer.Ordinal);
        using var file = DatasetFile.Open(path, "host", "vm", "window", "cap_cores", "shares", "qos");
        int host = file.Column("host"), vm = file.Column("vm"), window = file.Column("window"), cap = file.Column("cap_cores"), shares = file.Column("shares"),
            qos = file.Column("qos");
        var rows = ImmutableArray.CreateBuilder<AllocationRow>();
        while (file.Read())
        {
            var label = file.Text(window);
            if (!byLabel.TryGetValue(label, out var w))
                throw file.Error(window, $"not a window of the plan's '{windows.Name}' scheme", label);
            // The script counts whole millicores: below one the cap rounded to 0 (held to libvirt's smallest quota), and
            // above the planner's largest value it was clamped to int.MaxValue millicores, no cap at all.
            var cores = file.AtMost(cap, file.AtLeast(cap, file.Number(cap, positive: true), 0.001, "the script caps in whole millicores"),
                Packing.PlacementProblem.MaxCores);
            var count = file.Integer(shares, 2);
            if (count > 262144) throw file.Error(shares, "libvirt's cpu_shares goes up to 262144", file.Text(shares));
            var cls = Inventory.QosClasses.TryParse(file.Text(qos)) ?? throw file.Error(qos, "qos must be 'interactive' or 'batch'", file.Text(qos));
            var (hostId, vmId) = (ScriptId(file, host, ShellScript.UriHostProblem), ScriptId(file, vm, _ => null));
            if (ShellScript.VirshDomainProblem(vmId) is { } notAName) throw file.Error(vm, notAName, vmId);
            if (!hostOf.TryGetValue(vmId, out var planned))
                throw file.Error(vm, "not a VM of the plan's placement: was the allocation written for another plan?", vmId);
            if (planned != hostId)
                throw file.Error(host, $"the plan leaves VM '{Quoted.Value(vmId)}' on '{Quoted.Value(planned)}'", hostId);
            if (!seen.TryAdd((vmId, w), file.Line))
                throw file.Error(window, $"a second row for VM '{Quoted.Value(vmId)}' in this window (first on line {seen[(vmId, w)]}): which cap applies cannot be told", label);
            rows.Add(new AllocationRow(hostId, vmId, w, (int)Math.Min(int.MaxValue, Math.Round(cores * 1000)), count, cls == Inventory.QosClass.Batch));
        }
        return rows.ToImmutable();
    }

    /// <summary>An id of the row as the script takes it: quoted as one word (<see cref="ShellScript.Quote"/>), so any id
    /// the plan may hold is taken, save those <see cref="ShellScript.IdProblem"/> refuses (a leading '-' virsh would read
    /// as an option, control and invisible characters) and what <paramref name="more"/> refuses (a host goes into a
    /// qemu+ssh:// URI). Ids were once written unquoted and so held to letters, digits and - _ . : @: a plan of VMs named
    /// with spaces or in another script exported its migrations but not its host level.</summary>
    private static string ScriptId(DatasetFile file, int column, Func<string, string?> more)
    {
        var id = file.Id(column);
        if ((ShellScript.IdProblem(id) ?? more(id)) is { } problem) throw file.Error(column, problem, id);
        return id;
    }
}
