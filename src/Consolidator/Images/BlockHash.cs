namespace Consolidator.Images;

/// <summary>A SHA-256 digest of one block, kept as four words so that a scan of a large image holds no strings.</summary>
public readonly record struct BlockHash(ulong A, ulong B, ulong C, ulong D)
{
    public static BlockHash Of(ReadOnlySpan<byte> block)
    {
        Span<byte> digest = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(block, digest);
        return new(BitConverter.ToUInt64(digest[..8]), BitConverter.ToUInt64(digest[8..16]), BitConverter.ToUInt64(digest[16..24]), BitConverter.ToUInt64(digest[24..]));
    }

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        BitConverter.TryWriteBytes(bytes[..8], A);
        BitConverter.TryWriteBytes(bytes[8..16], B);
        BitConverter.TryWriteBytes(bytes[16..24], C);
        BitConverter.TryWriteBytes(bytes[24..], D);
        return Convert.ToHexStringLower(bytes);
    }
}
