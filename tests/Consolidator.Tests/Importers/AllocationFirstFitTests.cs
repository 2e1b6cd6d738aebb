using Consolidator.Importers;
using Consolidator.Inventory;

namespace Consolidator.Tests.Importers;

public class AllocationFirstFitTests
{
    private static readonly Host[] Hosts = [new("h0", 4, 8192, 100, 200), new("h1", 4, 8192, 100, 200)];

    [Fact]
    public void A_vm_that_starts_later_takes_the_room_of_one_that_has_ended_not_a_host_of_its_own()
    {
        // a runs on day 1 only, b from day 2, c on both days: b arrives after a has gone and fits where a ran.
        AllocationFirstFit.Stay a = new(3, 4096, 0, 86399), b = new(3, 4096, 86400, 172799), c = new(1, 1024, 0, 172799);
        Assert.Equal<string?>(["h0", "h0", "h0"], AllocationFirstFit.Place(Hosts, [a, b, c]).AsEnumerable());
        Assert.Equal(1, AllocationFirstFit.HostsNeeded(HostModels.DellR820, [a, b, c]));
    }

    [Fact]
    public void Vms_running_together_never_share_more_than_a_host_has()
    {
        // Both run on day 2: the second to arrive goes to the next host.
        AllocationFirstFit.Stay early = new(3, 4096, 0, 172799), late = new(3, 4096, 86400, 172799);
        Assert.Equal<string?>(["h0", "h1"], AllocationFirstFit.Place(Hosts, [early, late]).AsEnumerable());
        // Order of arrival, not of the dataset, decides: the late VM listed first still arrives second.
        Assert.Equal<string?>(["h1", "h0"], AllocationFirstFit.Place(Hosts, [late, early]).AsEnumerable());
    }
}
