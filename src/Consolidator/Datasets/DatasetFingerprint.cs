using System.Security.Cryptography;
using System.Text;

namespace Consolidator.Datasets;

/// <summary>SHA-256 over the files of a dataset as they are read (<see cref="Traces.Dataset.Fingerprint"/>): each file's
/// name, its length and its bytes, in the order read, so that a renamed, added, removed or edited file gives another
/// digest. The block manifests an images.csv names are hashed too, each as images.csv's rows name it: a manifest rewritten
/// in place (a new export from the store) leaves images.csv as it was, yet changes how much of an image its parent holds.</summary>
internal sealed class DatasetFingerprint : IDisposable
{
    public const string Prefix = "sha256:";

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Hashes <paramref name="path"/> and gives it back, for the reader to parse next, or refuses a path that leads
    /// out of <paramref name="folder"/>. A file that cannot be opened is left to the reader, whose error names it (a
    /// missing file, a folder, a named pipe; a link swapped to lead out after the check: the reader's own open refuses it).</summary>
    public string Add(string path, DatasetFolder folder)
    {
        folder.Inside(path);
        FileStream stream;
        try
        {
            stream = folder.Open(path);
        }
        catch (InputException)
        {
            return path;
        }
        using (stream)
        {
            var name = Encoding.UTF8.GetBytes(Path.GetFileName(path));
            Span<byte> length = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, name.Length);
            _hash.AppendData(length);
            _hash.AppendData(name);
            var buffer = new byte[1 << 20];
            long total = 0;
            int read;
            try
            {
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    _hash.AppendData(buffer, 0, read);
                    total += read;
                }
            }
            catch (Exception e) when (IoFailure.IsIo(e))
            {
                throw InputFiles.Failure(path, e);
            }
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, total);
            _hash.AppendData(length);
        }
        return path;
    }

    public string Digest() => Prefix + Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
