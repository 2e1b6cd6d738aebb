namespace Consolidator.Cli.Commands;

/// <summary>A progress bar of a sweep's points on stderr, only when stderr is a terminal; redirected output
/// stays quiet and machine-readable.</summary>
internal sealed class SweepProgress(TextWriter stderr, int total) : IProgress<int>
{
    private const int Width = 30;
    private readonly bool _live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock _gate = new();

    public void Report(int done)
    {
        if (!_live) return;
        var filled = total == 0 ? Width : done * Width / total;
        lock (_gate) stderr.Write($"\r\u001b[2Ksweep [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} points");
    }

    public void Done()
    {
        if (_live) lock (_gate) stderr.Write("\r\u001b[2K");
    }
}
