using System.Text;

namespace Consolidator.Cli;

/// <summary>The process's standard error, which never throws: when it cannot be written (redirected to a full disk,
/// `2> /dev/full`, or closed, `2>&-`) the text is dropped and <see cref="Lost"/> says so, since there is nowhere left
/// to say it. Every error line is written to standard error from inside a handler, so a failing one escaped that
/// handler and the next, and the runtime aborted the process: exit code 134 (SIGABRT, a core dump where enabled)
/// for a bad option, a missing dataset or an infeasible plan, instead of 2 or 3.</summary>
internal sealed class StandardError(TextWriter inner) : TextWriter
{
    /// <summary>True once some text could not be written.</summary>
    public bool Lost { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Lost = true;
        }
    }
}
