namespace Consolidator;

/// <summary>What a JSON file that is no UTF-8 text seems to be, from its first bytes: JSON readers take UTF-8 alone, and a
/// file saved by Notepad as "Unicode" or redirected by Windows PowerShell 5 (`openstack ... -f json > servers.json`), both
/// UTF-16 with a byte-order mark, or one compressed, was "'0xFF' is an invalid start of a value".</summary>
public static class TextBytes
{
    /// <summary>The problem in words, or null when the bytes may be UTF-8.</summary>
    public static string? NotUtf8(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] => "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8",
        [0x1F, 0x8B, ..] => "gzip-compressed data: decompress it first (gunzip)",
        _ when bytes[..Math.Min(bytes.Length, 64)].Contains((byte)0) => "NUL bytes near the start: the file looks UTF-16 without a byte-order mark, or binary; save it as UTF-8",
        _ => null,
    };
}
