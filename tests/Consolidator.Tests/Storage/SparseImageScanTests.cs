using Consolidator.Images;
using Consolidator.Tests.Cli;
using Consolidator.Tests.Support;

namespace Consolidator.Tests.Storage;

/// <summary><c>images scan</c> of sparse raw images: holes are counted as zero blocks without being read. A 64 GiB image
/// holding three runs of data was read whole, 64 GiB of zeros (37.6 s, 33.7 s of it in the kernel, at load 3, main
/// e9133b7); the assertions are on the bytes read, never on time.</summary>
public class SparseImageScanTests
{
    private const int Block = 64 * 1024;

    /// <summary>Whether the file system under <paramref name="path"/> keeps a hole as one (tmpfs, ext4, xfs, btrfs do):
    /// a file with data at 0 and at 1 MiB answers SEEK_DATA from 4 KiB with 1 MiB.</summary>
    private static bool KeepsHoles(string path)
    {
        using (var f = new FileStream(path, FileMode.Create))
        {
            f.WriteByte(1);
            f.Position = 1 << 20;
            f.WriteByte(1);
        }
        using var handle = File.OpenHandle(path);
        var holes = Extents.NextData(handle, 4096) == 1 << 20;
        File.Delete(path);
        return holes;
    }

    private static void Write(FileStream f, long at, byte[] bytes)
    {
        f.Position = at;
        f.Write(bytes);
    }

    /// <summary>64 GiB and 1000 bytes: a random block at 0, the same block again 100 bytes past 8 GiB (across two blocks),
    /// 1000 random bytes as the short last block. Four blocks hold data, 1,048,573 are holes; at most the four are
    /// read, and the hashes are those of the blocks as the guest sees them.</summary>
    [SkippableFact]
    public void A_sparse_image_of_many_GiB_is_read_by_its_data_alone()
    {
        using var dir = new TempDirectory();
        Skip.IfNot(KeepsHoles(dir.File("probe")), $"the file system of {dir.Path} keeps no holes: a sparse image would be all data there");
        var rng = new Random(64);
        var a = new byte[Block];
        var tail = new byte[1000];
        rng.NextBytes(a);
        rng.NextBytes(tail);
        const long size = (64L << 30) + 1000, at = (8L << 30) + 100;
        var image = dir.File("sparse.raw");
        using (var f = new FileStream(image, FileMode.Create))
        {
            f.SetLength(size);
            Write(f, 0, a);
            Write(f, at, a);
            Write(f, size - 1000, tail);
        }

        var scan = ImageScanner.Scan("sparse", image, Block / 1024);

        byte[] straddleFirst = [.. new byte[100], .. a[..(Block - 100)]];
        byte[] straddleSecond = [.. a[(Block - 100)..], .. new byte[Block - 100]];
        Assert.Equal([BlockHash.Of(a), BlockHash.Of(straddleFirst), BlockHash.Of(straddleSecond), BlockHash.Of(tail)], scan.Blocks);
        Assert.Equal(size, scan.VirtualBytes);
        Assert.Equal((size + Block - 1) / Block - 4, scan.ZeroBlocks);
        // The blocks that overlap data, 3 x 64 KiB and the 1000 bytes where the file system keeps data in 4 KiB units (ext4
        // here); one that keeps it in 2 MiB pages (tmpfs with huge pages) reads those: never the 64 GiB.
        Assert.InRange(scan.ReadBytes, 3L * Block + 1000, 8L << 20);

        var result = CliRunner.Run("images", "scan", image, "--out", dir.File("images.csv"));
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains(" MiB of 64 GiB (holes are not read)", result.Out);
        Assert.Contains("\nsparse,0.000244140625,,,64.00000093132257,64,4,4,1048573,4,\n", File.ReadAllText(dir.File("images.csv")));
    }

    /// <summary>The scan that skips holes gives what reading every byte gives: random files of runs of data and holes at
    /// offsets on no block's edge, scanned in 4 and 64 KiB blocks, against the blocks of the whole file read in the test.</summary>
    [SkippableTheory]
    [InlineData(1, 4)]
    [InlineData(2, 64)]
    [InlineData(3, 4)]
    [InlineData(4, 64)]
    [InlineData(5, 16)]
    public void Skipping_holes_gives_the_blocks_reading_every_byte_gives(int seed, int blockKib)
    {
        using var dir = new TempDirectory();
        Skip.IfNot(KeepsHoles(dir.File("probe")), $"the file system of {dir.Path} keeps no holes");
        var rng = new Random(seed);
        var image = dir.File("runs.raw");
        var size = rng.NextInt64(1L << 20, 8L << 20);
        using (var f = new FileStream(image, FileMode.Create))
        {
            f.SetLength(size);
            for (var run = 0; run < 12; run++)
            {
                var bytes = new byte[rng.Next(1, 3 * blockKib * 1024)];
                rng.NextBytes(bytes);
                // Some runs are written zeros: data the file system holds, all zero.
                if (run % 4 == 0) Array.Clear(bytes);
                Write(f, rng.NextInt64(0, size - bytes.Length), bytes);
            }
        }
        var whole = File.ReadAllBytes(image);
        var size64 = blockKib * 1024;
        var expected = whole.Chunk(size64).Where(b => b.Any(x => x != 0)).Select(b => BlockHash.Of(b)).ToList();

        var scan = ImageScanner.Scan("runs", image, blockKib);

        Assert.Equal(expected, scan.Blocks);
        Assert.Equal(whole.Chunk(size64).Count() - expected.Count, scan.ZeroBlocks);
        Assert.Equal(size, scan.VirtualBytes);
        Assert.True(scan.ReadBytes < size, $"read {scan.ReadBytes} of {size}: holes were read");
    }
}
