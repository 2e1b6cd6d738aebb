namespace Consolidator.Simulation;

/// <remarks>
/// The destination's loading behind the stream. QEMU 7.2 sends a zero page as its 8-byte header and one byte
/// (migration/ram.c save_zero_page_to_file, 1257-1271) and the destination loads it in ram_load_precopy's coroutine
/// (ram.c 4357-4359: ram_handle_compressed, 3613-3618, runs buffer_is_zero over its own page and writes it only when that
/// page is not zero); neither end waits for the other: the source's migration thread writes into its socket
/// (qemu_fflush returns once the kernel holds the bytes) and its total-time and downtime end when it has written the
/// last one (migration.c migration_calculate_complete takes both from one end_time on the source). So the source runs
/// ahead of a slower loader until the bytes between them fill the sockets' buffers
/// (<see cref="SimulationOptions.ReceiveBufferMib"/>), and as a zero page costs 9 wire bytes, those buffers hold the
/// markers of ~455 times their size in zero pages: an idle guest's zeros never hold the source back, the data behind them
/// only once the buffers are full of it. The destination loads what it holds in order (a queue of runs, each of one
/// mix of pages); the VM resumes once it has loaded the last (lab/qemu/stop-probe.py saw a starved destination finish
/// 0.66-0.99 s after QEMU's downtime ended, without QEMU's figure growing).
/// </remarks>
internal sealed partial class MigrationProcess
{
    /// <summary>The runs the destination still has to load, oldest first: its CPU seconds (at its share) and wire MiB.</summary>
    private List<(double Load, double Wire)> _loading = [];

    private double _queuedWire;

    /// <summary>Destination seconds of an interval left over once it loaded all it held at the interval's start.</summary>
    private double _loaderIdle;

    /// <summary>Seconds the destination still loaded after the source's last byte and the resume: the VM's pause
    /// includes them, QEMU's figures do not.</summary>
    public double LoadLagSeconds { get; private set; }

    private bool BufferFull => _queuedWire >= _o.ReceiveBufferMib - Epsilon;

    /// <summary>The buffers as the interval being advanced found them at its start (null between intervals).</summary>
    private (bool Full, double? HeadFreed)? _heldAtStart;

    /// <summary>Whether the buffers are full, and the wire MiB per second the loading of the destination's oldest run
    /// frees (null: it holds nothing).</summary>
    private (bool Full, double? HeadFreed) Buffers() =>
        (BufferFull, _loading.Count > 0 ? _loading[0].Load > 0 ? _loading[0].Wire / _loading[0].Load : double.PositiveInfinity : null);

    /// <summary>Bitmap MiB per second the pre-copy stream clears for pages of data share <paramref name="dataShare"/>:
    /// the source's own pace until the buffers are full, then the pace at which the destination's loading frees them.
    /// Within an interval it is the pace its length was chosen at (<see cref="NextDelay"/>): the loading frees the
    /// buffers through the interval, not all at its start.</summary>
    private double Pace(double wire, double dataShare)
    {
        var source = _stream.Progress(wire, dataShare, loads: false);
        var (full, headFreed) = _heldAtStart ?? Buffers();
        if (!_stream.Loads || !full) return source;
        var wirePerMib = _stream.WireMib(dataShare, 1 - dataShare);
        double freed;
        if (headFreed is { } head) freed = head;
        else
        {
            // No buffer at all: every page waits for its load.
            var load = _stream.LoadSeconds(dataShare, 1 - dataShare);
            freed = load > 0 ? wirePerMib / load : double.PositiveInfinity;
        }
        return wirePerMib > 0 ? Math.Min(source, freed / wirePerMib) : source;
    }

    /// <summary>Seconds until the buffers fill, or the run the destination is loading ends (the pace can change then).</summary>
    private double LoadingDelay(double wire)
    {
        if (!_stream.Loads || Phase is not (Phase.Rounds or Phase.StopAndCopy)) return double.PositiveInfinity;
        var f = NonZeroShare;
        var head = _loading.Count > 0 ? _loading[0].Load : double.PositiveInfinity;
        // Full, and what arrives is loaded at the rate of what is freed: the pace holds past the head's end.
        if (BufferFull) return _loading.Count == 1 && LoadsLike(_loading[0], f) ? double.PositiveInfinity : head;
        var pace = Pace(Math.Min(wire, Phase == Phase.Rounds ? LiveCap : FinalCap), f);
        var wirePerMib = _stream.WireMib(f, 1 - f);
        double drained;
        if (_loading.Count > 0) drained = _loading[0].Load > 0 ? _loading[0].Wire / _loading[0].Load : double.PositiveInfinity;
        else
        {
            var load = _stream.LoadSeconds(f, 1 - f);
            if (load * pace <= 1) return double.PositiveInfinity;
            drained = wirePerMib / load;
        }
        var growth = wirePerMib * pace - drained;
        var toFull = growth > 0 && double.IsFinite(pace) ? (_o.ReceiveBufferMib - _queuedWire) / growth : double.PositiveInfinity;
        return Math.Max(0, Math.Min(head, toFull));
    }

    /// <summary>Pages of data share <paramref name="dataShare"/> cost the destination as much per wire MiB as <paramref name="run"/>.</summary>
    private bool LoadsLike((double Load, double Wire) run, double dataShare)
    {
        var (load, wire) = (_stream.LoadSeconds(dataShare, 1 - dataShare), _stream.WireMib(dataShare, 1 - dataShare));
        return Math.Abs(run.Wire * load - wire * run.Load) <= 1e-9 * wire * run.Load;
    }

    /// <summary>The destination loads for <paramref name="seconds"/>, oldest run first; what it could not use (it ran
    /// out of runs) is left for what arrives meanwhile.</summary>
    private void Load(double seconds)
    {
        var left = seconds;
        while (left > 0 && _loading.Count > 0)
        {
            var (load, wire) = _loading[0];
            if (load <= left + 1e-12)
            {
                left -= load;
                _queuedWire -= wire;
                _loading.RemoveAt(0);
                continue;
            }
            var freed = wire * left / load;
            _loading[0] = (load - left, wire - freed);
            _queuedWire -= freed;
            left = 0;
        }
        if (_loading.Count == 0) _queuedWire = 0;
        _loaderIdle = Math.Max(0, left);
    }

    /// <summary>Pages the source just sent join the destination's queue, less what it loaded of them in the same interval.</summary>
    private void Queue(double dataMib, double zeroMib)
    {
        if (!_stream.Loads) return;
        var load = _stream.LoadSeconds(dataMib, zeroMib);
        var wire = _stream.WireMib(dataMib, zeroMib);
        var left = Math.Max(0, load - _loaderIdle);
        _loaderIdle = Math.Max(0, _loaderIdle - load);
        if (left <= 1e-12 || load <= 0) return;
        wire *= left / load;
        var last = _loading.Count - 1;
        if (last >= 0 && Math.Abs(_loading[last].Wire * left - wire * _loading[last].Load) <= 1e-9 * wire * _loading[last].Load)
            _loading[last] = (_loading[last].Load + left, _loading[last].Wire + wire);
        else _loading.Add((left, wire));
        _queuedWire += wire;
    }

    /// <summary>The VM resumes once the destination has loaded what it still holds.</summary>
    private void FinishLoading()
    {
        LoadLagSeconds = _loading.Sum(r => r.Load);
        _loading.Clear();
        _queuedWire = 0;
    }
}
