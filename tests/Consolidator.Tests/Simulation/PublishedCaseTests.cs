using Xunit.Abstractions;
using Consolidator.Simulation;

namespace Consolidator.Tests.Simulation;

public class PublishedCaseTests(ITestOutputHelper output)
{
    public static TheoryData<string> CaseIds => new(PublishedCases.All.Select(c => c.Id));

    private static PublishedCases.Case Find(string id) => PublishedCases.All.Single(c => c.Id == id);

    private static MigrationOutcome Simulate(PublishedCases.Case c, MigrationMethod method = MigrationMethod.PreCopy) =>
        LiveMigration.Run(new VmMigrationInputs(c.MemoryMib, c.Dirty, 1), method, c.WireMibPerSecond,
            new SimulationOptions(MaxDowntimeSeconds: c.DowntimeTargetSeconds));

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Print(string id)
    {
        var c = Find(id);
        var r = Simulate(c);
        output.WriteLine($"{c.Id}: total {r.TotalSeconds:0.0} s, downtime {r.DowntimeSeconds * 1000:0} ms, {r.PageMib:0} MiB, {r.Rounds} rounds, converged {r.Converged}");
    }
}
