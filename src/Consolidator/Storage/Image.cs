namespace Consolidator.Storage;

/// <summary>A disk image VMs are cloned from (images.csv). An image with a <see cref="Parent"/> is stored as a
/// copy-on-write layer over it, as a qcow2 backing chain or a Parallax VDI snapshot (Meyer et al., EuroSys 2008):
/// a host that holds the image holds its parent too, and the blocks the two share are stored once.</summary>
/// <param name="SizeGib">The image's content: what a copy of it alone takes.</param>
/// <param name="SharedWithParentGib">Of that content, what is also in the parent (measured by <c>images scan</c>
/// or computed from block manifests); 0 without a parent.</param>
public sealed record Image(string Id, double SizeGib, string? Parent = null, double SharedWithParentGib = 0)
{
    /// <summary>What the image adds to a store that already holds its parent.</summary>
    public double UniqueGib => SizeGib - SharedWithParentGib;
}
