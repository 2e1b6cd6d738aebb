using System.Text;

namespace Consolidator.Output;

/// <summary>One file of an output set: a plain name (no folder, no leading dot) and what writes its bytes.</summary>
public sealed record OutputFile(string Name, Action<Stream> Write)
{
    /// <summary>UTF-8 without a byte order mark: the formats are plain contracts and a BOM would be read as
    /// part of the first header name by some tools.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Text written through a writer whose <see cref="TextWriter.NewLine"/> is "\n", so output bytes
    /// do not depend on the platform.</summary>
    public static OutputFile Text(string name, Action<TextWriter> write) => new(name, stream =>
    {
        using var writer = NewWriter(stream);
        write(writer);
    });

    public static OutputFile Text(string name, string text) => Text(name, w => w.Write(text));

    public static OutputFile Bytes(string name, byte[] bytes) => new(name, stream => stream.Write(bytes));

    /// <summary>A UTF-8, "\n" writer over <paramref name="stream"/> that leaves the stream open.</summary>
    public static StreamWriter NewWriter(Stream stream) =>
        new(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
}
