namespace Consolidator.Importers.Prometheus;

/// <summary>An answer's body as it arrives, read once, front to back, by the JSON reader: counted against the bound on one
/// answer (<paramref name="tooLarge"/> thrown past it), its first bytes looked at before it is parsed (<see cref="Head"/>:
/// an empty answer, an HTML page, a body that is no JSON object). The body was read whole into one buffer first, then
/// parsed, and an import peaked at about 8 times the answer's size.</summary>
internal sealed class AnswerBody(Stream inner, long maxBytes, Func<Exception> tooLarge, CancellationToken cancel) : Stream
{
    private readonly byte[] _ahead = new byte[1 << 12];
    private int _aheadStart, _aheadEnd;
    private long _read;
    private bool _ended;

    /// <summary>The body's first bytes: at least two past a byte-order mark and white space, unless the body ends first
    /// (or starts with more white space than <see cref="Head"/> holds). Read again by the parser.</summary>
    public ReadOnlySpan<byte> Head => _ahead.AsSpan(0, _aheadEnd);

    private static ReadOnlySpan<byte> Blanks => " \t\r\n"u8;

    /// <summary>Reads ahead until <see cref="Head"/> is known; called before the first <see cref="Read(byte[], int, int)"/>.</summary>
    public AnswerBody LookAhead()
    {
        while (!_ended && _aheadEnd < _ahead.Length && Significant(Head) < 2)
        {
            var n = Fill(_ahead, _aheadEnd, _ahead.Length - _aheadEnd);
            if (n == 0) _ended = true;
            _aheadEnd += n;
        }
        return this;
    }

    /// <summary>The body holds nothing but white space (" \t\r\n"): read to its end if <see cref="Head"/> does not tell.</summary>
    public bool IsBlank()
    {
        if (!Head.Trim(Blanks).IsEmpty) return false;
        var buffer = new byte[1 << 16];
        for (int n; (n = Read(buffer, 0, buffer.Length)) > 0;)
            if (!buffer.AsSpan(0, n).Trim(Blanks).IsEmpty) return false;
        return true;
    }

    private static int Significant(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        return head.TrimStart(Blanks).Length;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_aheadStart == _aheadEnd) return Fill(buffer, offset, count);
        var n = Math.Min(count, _aheadEnd - _aheadStart);
        _ahead.AsSpan(_aheadStart, n).CopyTo(buffer.AsSpan(offset));
        _aheadStart += n;
        return n;
    }

    /// <summary>Read with the import's time limit as its cancellation: a server that sends a byte at a time ends it.</summary>
    private int Fill(byte[] buffer, int offset, int count)
    {
        var n = inner.ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask().GetAwaiter().GetResult();
        _read += n;
        if (_read > maxBytes) throw tooLarge();
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
