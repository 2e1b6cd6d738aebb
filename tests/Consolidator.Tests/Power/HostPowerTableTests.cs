using Consolidator.Datasets;
using Consolidator.Inventory;
using Consolidator.Packing;
using Consolidator.Power;
using Consolidator.Profiles;
using Consolidator.Solving;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Power;

public class HostPowerTableTests
{
    private const string G4 = "86;89.4;92.6;96;99.5;102;106;108;112;114;117";

    private const string HostsWithTable =
        """
        host_id,cpu_cores,memory_mib,idle_watts,max_watts,power_table
        h1,16,65536,86,117,86;89.4;92.6;96;99.5;102;106;108;112;114;117
        h2,32,131072,120,400,

        """;

    [Fact]
    public void Reader_takes_the_optional_power_table_column()
    {
        using var data = DatasetFixture.Create(hosts: HostsWithTable);
        var d = DatasetReader.Read(data.Directory);
        Assert.Equal(PowerTable.Parse(G4), d.Hosts[0].PowerTable);
        Assert.IsType<PowerTable>(d.Hosts[0].Power);
        Assert.Null(d.Hosts[1].PowerTable);
        Assert.Equal(new LinearPowerModel(120, 400), d.Hosts[1].Power);
    }

    [Fact]
    public void Writer_round_trips_tables_and_leaves_the_column_out_without_them()
    {
        using var data = DatasetFixture.Create(hosts: HostsWithTable);
        var d = DatasetReader.Read(data.Directory);
        using var dir = new TempDirectory();
        DatasetWriter.Write(d, dir.Path);
        Assert.Equal(HostsWithTable, File.ReadAllText(dir.File("hosts.csv")));
        // ImmutableArray's own Equals compares references; compare the hosts.
        Assert.Equal(d.Hosts.ToArray(), DatasetReader.Read(dir.Path).Hosts.ToArray());

        var linear = d with { Hosts = [.. d.Hosts.Select(h => h with { PowerTable = null, IdleWatts = 86, MaxWatts = 117 })] };
        DatasetWriter.Write(linear, dir.Path);
        Assert.DoesNotContain("power_table", File.ReadAllText(dir.File("hosts.csv")));
    }

    [Theory]
    [InlineData("h1,16,65536,86,117,86;89.4;92.6", "power_table", 6, "found 3")]
    [InlineData("h1,16,65536,86,117,86;89.4;92.6;96;99.5;102;106;108;112;114;x", "power_table", 6, "not a number")]
    [InlineData("h1,16,65536,80,117," + G4, "idle_watts", 4, "0 % value (86)")]
    [InlineData("h1,16,65536,86,120," + G4, "max_watts", 5, "100 % value (117)")]
    public void Reader_locates_bad_tables(string row, string column, int columnNumber, string problem)
    {
        using var data = DatasetFixture.Create(hosts: "host_id,cpu_cores,memory_mib,idle_watts,max_watts,power_table\n" + row + "\nh2,32,131072,120,400,\n");
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(data.Directory));
        Assert.Equal(data.PathOf("hosts.csv"), e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Equal(columnNumber, e.ColumnNumber);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Energy_and_lower_bound_use_the_table()
    {
        // One VM at 5 cores of a 10-core host all day: 50 % load, where the table says 102 W and the chord 101.5 W.
        var table = new PowerTable([86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117]);
        var host = new Host("h", 10, 65536, 86, 117) { PowerTable = table };
        var d = TestInstances.Make([host], [new Vm("v", 8, 1024, "h")], (_, _) => (5, 512));
        var p = PlacementProblem.From(d, ProfileBuilder.Build(d, WindowScheme.Hourly(), 100), new PlacementOptions(0, 0));

        Assert.Equal(24 * 102, Energy.WhPerDay(p, p.CurrentPlacement()), 6);
        Assert.True(LowerBounds.EnergyWhPerDay(p) <= Energy.WhPerDay(p, p.CurrentPlacement()) + 1e-9);
        Assert.True(LowerBounds.EnergyWhPerDay(p) * Objective.UnitsPerWh <= Objective.Units(p, p.CurrentPlacement()) + 1);
        // The objective sees the fitted line: intercept plus slope at 50 %.
        Assert.InRange(Objective.Units(p, p.CurrentPlacement()) - 24 * table.ObjectiveLine.Watts(0.5) * Objective.UnitsPerWh, -1, 1);
    }
}
