namespace Consolidator.Images;

/// <summary>One disk image read as fixed-size blocks: what a content-addressed store would keep of it. Blocks of
/// zeros are holes (qcow2 does not allocate them, a CAS store keeps none), counted apart.</summary>
/// <param name="VirtualBytes">The disk's size as the guest sees it.</param>
/// <param name="Blocks">Non-zero blocks in disk order (a block repeated within the image appears each time).</param>
public sealed record ImageBlocks(string Id, string Path, long VirtualBytes, int BlockKib, IReadOnlyList<BlockHash> Blocks, long ZeroBlocks)
{
    /// <summary>The distinct non-zero blocks: what a store holds of the image alone.</summary>
    public IReadOnlySet<BlockHash> Distinct { get; } = Blocks.ToHashSet();

    public long BlockBytes => BlockKib * 1024L;

    /// <summary>The bytes the scan read: the blocks that overlap the image's data, not its holes.</summary>
    public long ReadBytes { get; init; }

    /// <summary>Distinct blocks of this image that <paramref name="other"/> holds too.</summary>
    public long SharedWith(ImageBlocks other) => Distinct.Count(other.Distinct.Contains);
}
