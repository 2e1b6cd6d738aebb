using System.Globalization;
using System.Text;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Solving;

/// <summary>Bin completion through the whole `plan` command, on the files another generator wrote.</summary>
public class BinCompletionPlanTests
{
    /// <summary>docs/planted-other.py --hosts 20 --seed 2 --shape flat --decimals 3, its first hour (the shape is flat: every
    /// hour is the same): vm id, CPU cores as written (ordinary decimals, trailing zeros dropped) and GiB, in the order
    /// written. 20 groups of 6-8 VMs each add up to exactly 40 cores; memory is never binding.</summary>
    private const string Vms =
        "278:5.393:8 478:3.782:16 551:7.021:16 1128:2.592:2 1297:5.434:8 775:3.402:4 820:7.85:16 701:1.973:8 " +
        "575:5.891:16 1219:9.095:2 1030:5.524:4 1190:6.133:4 657:5.411:2 819:5.771:16 1295:3.231:16 598:4.204:16 " +
        "1090:6.193:16 1275:8.088:2 1305:6.407:4 149:8.455:8 753:3.656:2 632:6.139:8 810:1.986:8 992:3.304:4 " +
        "358:11.017:2 529:7.112:4 725:5.039:2 903:7.587:16 977:6.808:2 180:6.002:16 382:7.956:2 645:9.363:4 " +
        "777:4.877:2 261:4.965:8 58:6.858:4 214:6.112:2 719:7.776:8 343:4.444:16 736:1.889:8 158:3.277:4 " +
        "1335:5.693:16 894:6.789:4 18:7.18:4 1112:2.479:2 485:4.912:16 1218:6.369:16 799:4.694:4 1109:2.706:8 " +
        "583:4:16 961:4.12:4 1307:5.492:4 309:3.625:8 737:4.218:8 648:4.559:16 414:3.187:16 1021:12.768:16 195:2.62:4 " +
        "292:2.391:8 419:4.941:2 679:9.649:8 515:5.793:2 290:4.227:16 861:7.844:16 739:5.774:8 513:7.241:2 " +
        "183:6.443:4 702:11.94:4 385:3.663:8 505:8.613:8 492:7.482:2 1251:5.533:4 96:7.443:16 690:4.435:2 " +
        "764:4.743:16 1328:9.014:2 1253:6.853:2 127:4.638:2 295:5.907:2 364:6.1:4 130:6.096:16 881:6.773:8 " +
        "909:7.569:4 557:4.387:16 272:4.19:8 658:10.212:16 1072:7.59:8 1182:3.517:4 239:7.608:2 693:6.46:16 " +
        "809:7.781:16 467:7.377:16 111:4.476:16 804:1.678:2 971:4.977:8 1004:6.503:2 1269:9.973:16 649:2.481:16 " +
        "1116:4.278:4 1273:5.809:2 1224:7.309:4 186:7.336:4 1205:6:2 1046:2.736:16 1104:7.139:8 1362:6.401:4 " +
        "1016:5.3:4 822:1.96:2 931:4.641:8 347:6.331:8 844:11.072:2 791:6.148:4 1075:4.726:4 928:8.494:2 95:2.408:16 " +
        "222:11.336:16 925:7.201:2 1212:4.1:8 263:7.931:16 243:4.151:16 1025:5.248:8 359:6.076:16 159:5.423:2 " +
        "805:6.915:4 627:9.784:2 938:5.369:8 19:7.706:16 519:4.633:16 218:5.963:8 1370:5.625:4 452:4.897:16 " +
        "355:7.087:4 52:4.653:16 301:5.118:8 876:9.387:16 189:2.741:16 689:2.381:8 1330:4.444:4";

    [Fact]
    public void Plan_reaches_the_planted_optimum_of_a_flat_instance_written_with_three_decimals()
    {
        // Counted work (--deterministic), so the same on any machine and load. Before bin completion this command
        // printed 21 active hosts (heuristic fallback at --time-limit 5, feasible at 10); the consistent search and the
        // bin-count descent do not complete a host exactly with backtracking.
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "in");
        Directory.CreateDirectory(data);
        var hosts = new StringBuilder("host_id,cpu_cores,memory_mib,idle_watts,max_watts\n");
        for (var h = 1; h <= 60; h++) hosts.Append(CultureInfo.InvariantCulture, $"node{h},40,393216,140,360\n");
        var vms = new StringBuilder("vm_id,vcpus,memory_mib,current_host\n");
        var usage = new StringBuilder("timestamp,vm_id,cpu_cores,memory_mib\n");
        foreach (var vm in Vms.Split(' '))
        {
            var (id, cpu, mib) = (vm.Split(':')[0], vm.Split(':')[1], int.Parse(vm.Split(':')[2], CultureInfo.InvariantCulture) * 1024);
            vms.Append(CultureInfo.InvariantCulture, $"vm{id},{Math.Ceiling(decimal.Parse(cpu, CultureInfo.InvariantCulture))},{mib},\n");
            usage.Append(CultureInfo.InvariantCulture, $"2026-03-02T00:00:00Z,vm{id},{cpu},{mib}\n");
        }
        File.WriteAllText(Path.Combine(data, "hosts.csv"), hosts.ToString());
        File.WriteAllText(Path.Combine(data, "vms.csv"), vms.ToString());
        File.WriteAllText(Path.Combine(data, "usage.csv"), usage.ToString());

        var result = CliRunner.Run("plan", data, "--out", Path.Combine(dir.Path, "plan"), "--deterministic", "--time-limit", "5",
            "--percentile", "100", "--headroom", "0", "--migration-weight", "0", "--cpu-allocation-ratio", "0",
            "--ram-allocation-ratio", "0", "--no-simulate", "--no-plots", "--windows", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("vms: 137", result.Out);
        Assert.Contains("active hosts: 0 -> 20  (lower bound 20;", result.Out);
        Assert.Contains("solver: cp-sat optimal", result.Out);
        Assert.Contains("bin completion", result.Out + result.Err);
    }
}
