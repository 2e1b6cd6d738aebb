using Consolidator.Solving.FullHosts;

namespace Consolidator.Tests.Solving;

public class SizePriorTests
{
    /// <summary>One set of 1 VM, five of 2, two of 4; a cover of 8 VMs by 4 sets is 4 sets of 2 (0, 4, 0) or 2 of 1,
    /// 1 of 2 and 1 of 4 (2, 1, 1). The second needs two sets of 1 VM where there is one, so it is no composition: the
    /// expected counts are the first's alone, not the average of both (1, 2.5, 0.5).</summary>
    [Fact]
    public void A_composition_uses_no_more_sets_of_a_size_than_there_are()
    {
        var prior = new SizePrior([1, 2, 2, 2, 2, 2, 4, 4], 4, 8);

        var expected = prior.Expected(4, 8);

        Assert.Equal([0.0, 4.0, 0.0], [expected[1], expected[2], expected[4]]);
    }

    /// <summary>Where every size has sets enough, every composition counts once: 6 VMs by 3 sets of 1, 2 or 3 VMs
    /// (many of each) is (0, 3, 0) or (1, 1, 1), so each size's expected count is the average of the two.</summary>
    [Fact]
    public void Averages_every_composition_once_where_sets_are_plentiful()
    {
        var prior = new SizePrior([.. Enumerable.Repeat(1, 4), .. Enumerable.Repeat(2, 4), .. Enumerable.Repeat(3, 4)], 3, 6);

        var expected = prior.Expected(3, 6);

        Assert.Equal([0.5, 2.0, 0.5], [expected[1], expected[2], expected[3]]);
    }
}
