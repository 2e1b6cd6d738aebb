using System.Globalization;
using CsvHelper;

namespace Consolidator.Datasets;

/// <summary>One CSV file of a dataset, read record by record. Columns are found by header name once;
/// every problem is reported as an <see cref="InputException"/> that names the file, the line the record
/// starts on, the column and the offending text.</summary>
internal sealed class DatasetFile : IDisposable
{
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        DetectSeparatorHint = false,
        TrimWhitespace = true,
        TrimInsideQuotes = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
        // Recovering from a stray or unclosed quote silently shifts or swallows values; refuse instead.
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = MaxRecordBytes,
    };

    /// <summary>The longest record a reader takes, in bytes: a constraints.csv rule listing 100,000 VMs by 40-character
    /// ids is 4 MiB. Without it the buffer grew to the whole of a line that never ends (a disk image saved as vms.csv:
    /// 3.7 GB of memory for 1.5 GB, OutOfMemoryException beyond 2 GiB).</summary>
    public const int MaxRecordBytes = 16 << 20;

    // ISO-8601 as spreadsheets and exporters write it; K takes Z, +02:00, +0200 or nothing (then UTC).
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];

    private readonly CsvReader _csv;
    private readonly string[] _header;
    private readonly char _separator;
    private char[] _chars = new char[64];
    private readonly HashSet<int> _claimed = [];
    private readonly List<string> _absent = [];
    private bool _namesChecked;

    private DatasetFile(string path, CsvReader csv, string[] header, int headerLine, char separator)
    {
        Path = path;
        _csv = csv;
        _header = header;
        HeaderLine = headerLine;
        _separator = separator;
    }

    /// <summary>This file as seen from a worker's reader of <see cref="ParallelRecords"/>: the same path, header and
    /// columns; its own record and buffers.</summary>
    private DatasetFile(DatasetFile file, CsvReader worker)
    {
        Path = file.Path;
        _csv = worker;
        _header = file._header;
        HeaderLine = file.HeaderLine;
        _separator = file._separator;
    }

    /// <summary>The path as the user gave it (directory + file name), used in every error.</summary>
    public string Path { get; }

    public int HeaderLine { get; }

    /// <summary>The line the current record starts on (lines inside quoted fields and blank lines count).</summary>
    public int Line => (int)Math.Min(_csv.LineNumber, int.MaxValue);

    /// <summary>Opens <paramref name="path"/> and checks that its header has every required column.</summary>
    public static DatasetFile Open(string path, params string[] requiredColumns) => Open(path, ',', null, requiredColumns);

    /// <summary>As <see cref="Open(string, string[])"/>, for a file whose fields are split by <paramref name="separator"/>
    /// (published result tables are TAB-separated).</summary>
    public static DatasetFile Open(string path, char separator, params string[] requiredColumns) => Open(path, separator, null, requiredColumns);

    /// <summary>As <see cref="Open(string, string[])"/>, for a file of a dataset <paramref name="folder"/>: opened once,
    /// and only if the file opened lies inside it (<see cref="DatasetFolder.Open(string, int, FileOptions)"/>).</summary>
    public static DatasetFile Open(string path, DatasetFolder? folder, params string[] requiredColumns) => Open(path, ',', folder, requiredColumns);

    private static DatasetFile Open(string path, char separator, DatasetFolder? folder, string[] requiredColumns)
    {
        // The CSV reader reads large blocks itself, sequentially: the stream keeps no buffer of its own.
        var stream = DatasetFolder.Open(folder, path, 1, FileOptions.SequentialScan);
        CsvReader csv;
        try
        {
            if (Gzip(stream))
                throw new InputException(path, 1, null, 0, null, "gzip-compressed data, not CSV text: decompress it first (gunzip)");
            csv = CsvReader.Create(stream, Options with { Separator = separator }, leaveOpen: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw InputFiles.Failure(path, e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            string[] header;
            try
            {
                header = csv.Headers.Select(h => h.Trim()).ToArray();
            }
            catch (CsvFormatException e)
            {
                throw Malformed(path, e);
            }
            var file = new DatasetFile(path, csv, header, (int)Math.Max(1, csv.LineNumber), separator);
            if (header.Length == 0)
                throw new InputException(path, 1, null, 0, null,
                    $"the file is empty; expected a header line with the columns {string.Join(", ", requiredColumns)}");
            if (header.Any(h => h.Contains('\0')))
                throw new InputException(path, file.HeaderLine, null, 0, null,
                    "the header holds NUL characters: the file looks UTF-16 without a byte-order mark, or binary; save it as UTF-8 text");
            if (separator == ',' && header.Length == 1 && requiredColumns.Length > 1 && OtherSeparator(header[0]) is { } other)
                throw new InputException(path, file.HeaderLine, null, 0, header[0],
                    $"the header is one field and holds {other.Name}s: the file looks {other.Name}-separated{other.Why}; separate fields with commas{other.Numbers}");
            foreach (var name in requiredColumns) file.Column(name);
            return file;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    /// <summary>True when the file starts with gzip's magic bytes: a usage.csv.gz saved under the .csv name was "required
    /// column 'timestamp' is missing; the header has: \u001f�\u0008...", the compressed bytes quoted as column names (or
    /// a malformed field, wherever a quote byte fell).</summary>
    private static bool Gzip(FileStream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        var gzip = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        stream.Position = 0;
        return gzip;
    }

    /// <summary>The separator a one-field header seems to use instead of the comma: a spreadsheet in a locale whose decimal
    /// separator is the comma saves "CSV" with semicolons (and decimal commas), and a copy from a table has tabs. The
    /// error was "required column 'host_id' is missing; the header has: host_id;cpu_cores;...", which did not say why.</summary>
    private static (string Name, string Why, string Numbers)? OtherSeparator(string header) =>
        header.Contains(';') ? ("semicolon", " (as a spreadsheet saves CSV where the decimal separator is a comma)", " and write numbers with a decimal point")
        : header.Contains('\t') ? ("tab", "", "")
        : null;

    /// <summary>The 0-based index of a required column, matched case-insensitively. From then on errors in
    /// that column name it as asked (vm_id), however the header spells it (VM_ID).</summary>
    public int Column(string name)
    {
        var found = IndexOf(Path, HeaderLine, _header, name);
        if (found < 0)
            throw new InputException(Path, HeaderLine, name, 0, null,
                $"required column '{Quoted.Value(name)}' is missing; the header has: {Quoted.Escape(string.Join(", ", _header), 200)}");
        _header[found] = name;
        _claimed.Add(found);
        return found;
    }

    /// <summary>The 0-based index of the column named <paramref name="name"/> (case-insensitively) in a header read from
    /// <paramref name="path"/>, or -1 when it has none; a name the header holds twice is an error naming both columns,
    /// since which of the two holds the values cannot be told. Also the trace importers' header check.</summary>
    internal static int IndexOf(string path, int headerLine, IReadOnlyList<string> header, string name)
    {
        var found = -1;
        for (var i = 0; i < header.Count; i++)
        {
            if (!string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found >= 0)
                throw new InputException(path, headerLine, name, i + 1, header[i],
                    $"column '{Quoted.Value(name)}' appears twice in the header (columns {found + 1} and {i + 1})");
            found = i;
        }
        return found;
    }

    /// <summary>The 0-based index of an optional column, or -1 when the header does not have it; a column
    /// named twice is an error as for required ones.</summary>
    public int OptionalColumn(string name)
    {
        if (_header.Any(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase))) return Column(name);
        _absent.Add(name);
        return -1;
    }

    /// <summary>Refuses a column the reader did not ask for whose name is a near miss of an optional column the file
    /// lacks: unknown columns are ignored (an inventory's own 'rack' or 'notes'), so 'nic_gpbs' for nic_gbps, 'dirty_rate'
    /// for dirty_rate_mib_s or 'Image' for image_id left their values unread and the defaults in their place, without a
    /// word. Run once, at the first record, when every column has been asked for.</summary>
    private void CheckNearMisses()
    {
        if (_namesChecked) return;
        _namesChecked = true;
        for (var i = 0; i < _header.Length; i++)
        {
            if (_claimed.Contains(i)) continue;
            if (_absent.FirstOrDefault(a => NearMiss(_header[i], a)) is { } meant)
                throw new InputException(Path, HeaderLine, _header[i], i + 1, null,
                    $"not a column of this file, but close to '{meant}', which it lacks: a column the file does not take is ignored, so its values would be left unread; rename it '{meant}' (or rename it further from it if it is your own)");
        }
    }

    /// <summary>Whether <paramref name="name"/> reads as a misspelling of <paramref name="known"/>: the same letters and
    /// digits apart from case and separators ("NIC-Gbps"), one a prefix of the other of at least five ("dirty_rate",
    /// "image"), or of three or four ending where a word of the longer ends ("QoS-Class" for qos, "wss" for wss_mib,
    /// "NIC" for nic_gbps), or within one edit (two from eight characters) counting a swap of neighbours as one
    /// ("nic_gpbs"). Three or four letters alone match too much ("nice", "hotel", "disks" are words of their own), so
    /// there the prefix must be a whole word of the longer name as written: after it a separator, its end, or a
    /// capitalised word ("QoSClass").</summary>
    internal static bool NearMiss(string name, string known)
    {
        static string Letters(string s) => new([.. s.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        var (a, b) = (Letters(name), Letters(known));
        if (a.Length == 0) return false;
        if (a == b) return true;
        var ((shorter, _), (longer, written)) = a.Length <= b.Length ? ((a, name), (b, known)) : ((b, known), (a, name));
        if (longer.StartsWith(shorter, StringComparison.Ordinal)
            && (shorter.Length >= 5 || shorter.Length >= 3 && WordEndsAfter(written, shorter.Length))) return true;
        if (QualifiedFirstWord(a, known)) return true;
        return b.Length >= 4 && Edits(a, b) <= (b.Length >= 8 ? 2 : 1);
    }

    /// <summary>Words that say what kind of value a one-word column holds ("qos" -> "qosclass").</summary>
    private static readonly HashSet<string> KindWords = ["class", "tier", "level", "type", "kind", "category"];

    /// <summary>Units a column of a size or a link speed is written in ("nic_gbps" -> "nicgbit", "wss_mib" -> "wssmb").</summary>
    private static readonly HashSet<string> UnitWords = ["gbit", "gbits", "gbps", "gb", "mbit", "mbits", "mbps", "mb", "mib", "gib"];

    /// <summary>Whether <paramref name="letters"/> (a name's letters and digits, lower case) is the first word of
    /// <paramref name="known"/>, of three or four letters, and then one word that says the same as the rest of it: a kind word
    /// where the known name is that word alone ("qos": "qosclass", "QOSCLASS"), a unit where it goes on with one ("nic_gbps":
    /// "NICGbit", "nicmbps"). Written in one case with no separator, the word's end cannot be seen (<see
    /// cref="WordEndsAfter"/>), so these were a file's own columns, their values left unread; a word of another kind after it
    /// ("disk_type" beside disk_gib, "wssid", "qosmos") still is.</summary>
    private static bool QualifiedFirstWord(string letters, string known)
    {
        var words = known.ToLowerInvariant().Split(['_', '-', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].Length is < 3 or > 4 || !letters.StartsWith(words[0], StringComparison.Ordinal)) return false;
        var rest = letters[words[0].Length..];
        return words.Length == 1 ? KindWords.Contains(rest) : UnitWords.Contains(rest);
    }

    /// <summary>Whether, in <paramref name="written"/>, a word ends after its first <paramref name="letters"/> letters and
    /// digits: a separator or the end follows, or a capital after a small letter ("QosClass"), or a capital that starts a
    /// capitalised word after capitals ("QoSClass", "NICGbps").</summary>
    private static bool WordEndsAfter(string written, int letters)
    {
        var i = 0;
        for (var seen = 0; seen < letters; i++)
            if (char.IsAsciiLetterOrDigit(written[i])) seen++;
        if (i == written.Length || !char.IsAsciiLetterOrDigit(written[i])) return true;
        if (!char.IsAsciiLetterUpper(written[i])) return false;
        return char.IsAsciiLetterLower(written[i - 1]) || i + 1 < written.Length && char.IsAsciiLetterLower(written[i + 1]);
    }

    /// <summary>The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Edits(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    /// <summary>The value of an optional numeric column: null when the column is absent or the field is
    /// empty, else as <see cref="Number"/>.</summary>
    public double? OptionalNumber(int column, bool positive) =>
        column < 0 || _csv.GetSpan(column).IsEmpty ? null : Number(column, positive);

    /// <summary>Moves to the next record; false at the end of the file. A record must have a field for every
    /// header column; extra fields must be empty (a trailing comma), since a non-empty one usually means an
    /// unquoted comma that shifted the values.</summary>
    public bool Read()
    {
        CheckNearMisses();
        try
        {
            if (!_csv.Read()) return false;
        }
        catch (CsvFormatException e)
        {
            throw Malformed(e);
        }
        CheckFields();
        return true;
    }

    /// <summary>Every remaining record mapped by <paramref name="select"/> on up to <paramref name="degree"/> threads
    /// (CsvHelper's <see cref="CsvReader.ParallelEnumerate{T}(Func{CsvReader, T}, int)"/>), in file order: the same
    /// results, and the same first error, as a loop of <see cref="Read"/> and <paramref name="select"/>. Each call of
    /// <paramref name="select"/> gets the file positioned on one record, on whichever thread runs it.</summary>
    public IEnumerable<T> ParallelRecords<T>(Func<DatasetFile, T> select, int degree)
    {
        CheckNearMisses();
        var views = new System.Runtime.CompilerServices.ConditionalWeakTable<CsvReader, DatasetFile>();
        using var records = _csv.ParallelEnumerate(worker =>
        {
            var view = views.GetValue(worker, w => new DatasetFile(this, w));
            view.CheckFields();
            return select(view);
        }, degree).GetEnumerator();
        while (true)
        {
            try
            {
                if (!records.MoveNext()) yield break;
            }
            catch (CsvFormatException e)
            {
                throw Malformed(e);
            }
            yield return records.Current;
        }
    }

    /// <summary>A record must have a field for every header column; extra fields must be empty.</summary>
    private void CheckFields()
    {
        var count = _csv.FieldCount;
        if (count < _header.Length)
            throw new InputException(Path, Line, _header[count], count + 1, null,
                $"the row has {count} fields but the header has {_header.Length}; '{_header[count]}' is missing");
        for (var i = _header.Length; i < count; i++)
        {
            if (_csv.GetSpan(i).IsEmpty) continue;
            throw new InputException(Path, Line, null, 0, _csv.GetString(i),
                $"the row has {count} fields but the header has {_header.Length} (field {i + 1} is extra; an unquoted comma?)");
        }
    }

    public string Text(int column) => _csv.GetString(column);

    /// <summary>The field as chars, valid until the next call; lets hot loops look values up without a string.</summary>
    public ReadOnlySpan<char> Chars(int column)
    {
        var bytes = _csv.GetSpan(column).Length;
        if (_chars.Length < bytes) _chars = new char[Math.Max(bytes, _chars.Length * 2)];
        return _chars.AsSpan(0, _csv.GetChars(column, _chars));
    }

    /// <summary>The field as an id, refused with its reason (<see cref="Ids.Problem"/>; <see cref="Ids.HostOrVmProblem"/>
    /// when <paramref name="hostOrVm"/>: an id constraints.csv lists).</summary>
    public string Id(int column, bool hostOrVm = false)
    {
        var id = Text(column);
        if (id.Length == 0) throw Error(column, $"empty {_header[column]}", id);
        if ((hostOrVm ? Ids.HostOrVmProblem(id) : Ids.Problem(id)) is { } problem) throw Error(column, problem, id);
        LookAlikeAmongLatin(column, id, "an id");
        return id;
    }

    /// <summary>Per column: the first id whose word is written in letters that all look Latin (Cyrillic "рс-1"), and
    /// whether an id with Latin letters was met. Both in one column is the spoof ("рс-1" among "h1", "pc-2"): refused at
    /// the look-alike's line. Either alone is a fleet named in one script.</summary>
    private readonly Dictionary<int, InputException> _lookAlike = [];
    private readonly HashSet<int> _latin = [];

    /// <summary>Refuses <paramref name="id"/>, or an earlier id of the column, when the column would then hold a whole-script
    /// look-alike of Latin beside ids with Latin letters (<see cref="Ids.WholeScriptLookAlike"/>).</summary>
    public void LookAlikeAmongLatin(int column, string id, string what)
    {
        if (Ids.HasLatinLetter(id) && _latin.Add(column) && _lookAlike.TryGetValue(column, out var earlier)) throw earlier;
        if (_lookAlike.ContainsKey(column) || Ids.WholeScriptLookAlike(id, what) is not { } reason) return;
        var error = Error(column, reason, id);
        if (_latin.Contains(column)) throw error;
        _lookAlike[column] = error;
    }

    /// <summary>A finite, non-negative number; when <paramref name="positive"/>, also greater than zero.</summary>
    public double Number(int column, bool positive)
    {
        var span = _csv.GetSpan(column);
        if (span.IsEmpty) throw Error(column, "missing value; expected a number", "");
        if (!DecimalText.TryParse(span, out var value) && !double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            throw Error(column, "not a number (expected e.g. 4, 2.5 or 1e3)" + DecimalComma.Hint(Text(column)), Text(column));
        if (!double.IsFinite(value)) throw Error(column, "not a finite number", Text(column));
        if (value < 0) throw Error(column, "must not be negative", Text(column));
        if (positive && value == 0) throw Error(column, "must be greater than zero", Text(column));
        return value;
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public int Integer(int column, int minimum)
    {
        var span = _csv.GetSpan(column);
        if (span.IsEmpty) throw Error(column, "missing value; expected a whole number", "");
        if (!int.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Error(column, "not a whole number" + DecimalComma.Hint(Text(column), whole: true), Text(column));
        if (value < minimum) throw Error(column, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}", Text(column));
        return value;
    }

    /// <summary>A usage value: finite and non-negative, kept as the double nearest to the text (never a float,
    /// whose round trip would move a decimal such as 6.922 off the millicore grid).</summary>
    /// <param name="max">The largest value the model's 32-bit units hold (<see cref="Packing.PlacementProblem.MaxCores"/>
    /// or <see cref="Packing.PlacementProblem.MaxMib"/>).</param>
    public double Sample(int column, double max) => AtMost(column, Number(column, positive: false), max);

    /// <summary>The value, or a located error when its text is finer than the planner's unit (10^-decimals of the
    /// column's: 3 for millicores of cores, 0 for MiB) yet within the billionth of a unit by which
    /// <see cref="Packing.PlacementProblem.ToUnits"/> takes a value for the whole unit (a decimal's binary error lies
    /// there): 0.5000000001 cores was 500 millicores, so two such VMs filled a 1-core host with no headroom, printed
    /// "cp-sat optimal" and validated, over its capacity as written. Values further from a whole unit are rounded up
    /// (demands) or down (capacities), as the README says; a text that is a whole number of units is exact.</summary>
    public double Whole(int column, double value, int decimals, string unit)
    {
        var scale = decimals == 3 ? 1000.0 : Math.Pow(10, decimals);
        var scaled = value * scale;
        var nearest = Packing.PlacementProblem.ToUnits(scaled, up: false);
        if (nearest != Packing.PlacementProblem.ToUnits(scaled, up: true) || UnitText.Whole(_csv.GetSpan(column), decimals)) return value;
        var read = (nearest / scale).ToString(CultureInfo.InvariantCulture);
        throw Error(column, $"finer than a {unit}, yet so close to {read} that the planner (which counts whole {unit}s, rounding other demands up and capacities down) would read it as {read}: write it to the {unit}", Text(column));
    }

    /// <summary>The value, or a located error when it exceeds <paramref name="max"/>.</summary>
    public double AtMost(int column, double value, double max) =>
        AtMost(column, value, max, "the planner counts millicores and MiB in 32 bits");

    /// <summary>The value, or a located error when it exceeds <paramref name="max"/>, with the reason for the bound.</summary>
    public double AtMost(int column, double value, double max, string why) => value <= max ? value
        : throw Error(column, $"too large: at most {max.ToString("0.###", CultureInfo.InvariantCulture)} ({why})", Text(column));

    /// <summary>The value, or a located error when it is below <paramref name="min"/>, with the reason for the bound.</summary>
    public double AtLeast(int column, double value, double min, string why) => value >= min ? value
        : throw Error(column, $"too small: at least {min.ToString("0.###", CultureInfo.InvariantCulture)} ({why})", Text(column));

    /// <summary>An ISO-8601 timestamp as Unix seconds (UTC); one without an offset is taken as UTC.</summary>
    public long UnixSeconds(int column)
    {
        if (!TryParseUtcSeconds(_csv.GetSpan(column), out var seconds))
        {
            var chars = Chars(column);
            if (chars.IsEmpty) throw Error(column, "missing timestamp", "");
            if (!DateTimeOffset.TryParseExact(chars, TimestampFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
                throw Error(column, "not an ISO-8601 timestamp (expected e.g. 2026-01-05T00:15:00Z)", chars.ToString());
            seconds = time.ToUnixTimeSeconds();
        }
        return SampleTime.Holds(seconds) ? seconds : throw Error(column, SampleTime.Problem, Text(column));
    }

    /// <summary>The common form, yyyy-MM-ddTHH:mm:ssZ, read digit by digit: a usage file holds millions of them
    /// and the general parser costs most of the reading time. Anything else (or an invalid date) goes to it.</summary>
    internal static bool TryParseUtcSeconds(ReadOnlySpan<char> s, out long seconds) => TryParseUtcSeconds<char>(s, out seconds);

    /// <summary>As for chars, on the field's UTF-8 bytes (no copy to UTF-16 for the millions of the usage file).</summary>
    internal static bool TryParseUtcSeconds(ReadOnlySpan<byte> s, out long seconds) => TryParseUtcSeconds<byte>(s, out seconds);

    private static bool TryParseUtcSeconds<T>(ReadOnlySpan<T> s, out long seconds) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        seconds = 0;
        if (s.Length != 20 || !Is(s[4], '-') || !Is(s[7], '-') || !Is(s[10], 'T') || !Is(s[13], ':') || !Is(s[16], ':') || !Is(s[19], 'Z')) return false;
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
        if (!Digits(s[..4], ref year) || !Digits(s.Slice(5, 2), ref month) || !Digits(s.Slice(8, 2), ref day)
            || !Digits(s.Slice(11, 2), ref hour) || !Digits(s.Slice(14, 2), ref minute) || !Digits(s.Slice(17, 2), ref second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        seconds = (new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        return true;

        static bool Is(T c, char expected) => int.CreateTruncating(c) == expected;

        static bool Digits(ReadOnlySpan<T> d, ref int value)
        {
            foreach (var c in d)
            {
                var digit = int.CreateTruncating(c) - '0';
                if (digit is < 0 or > 9) return false;
                value = value * 10 + digit;
            }
            return true;
        }
    }

    /// <summary>A problem with one field of the current record.</summary>
    public InputException Error(int column, string problem, string? value) =>
        new(Path, Line, _header[column], column + 1, value, problem);

    public void Dispose() => _csv.Dispose();

    // CsvHelper's exception knows the line but not the path the user gave; carry both.
    private static InputException Malformed(string path, CsvFormatException e) =>
        new(path, (int)Math.Min(e.LineNumber, int.MaxValue), null, 0, null, Reason(e));

    /// <summary>A malformed record of the body, with the column it went wrong in when that can be told (CsvHelper gives the
    /// byte offset, not the field: "a quote inside an unquoted field" was named by line and byte offset only).</summary>
    private InputException Malformed(CsvFormatException e)
    {
        var field = FieldAt(Path, e.ByteOffset, _separator);
        return field >= 1 && field <= _header.Length
            ? new(Path, (int)Math.Min(e.LineNumber, int.MaxValue), _header[field - 1], field, null, Reason(e))
            : Malformed(Path, e);
    }

    /// <summary>The 1-based field of its record that a malformed spot lies in, read again from the file (only on this
    /// error): a stray quote at <paramref name="byteOffset"/> in an unquoted field lies in the field it is found in; a
    /// quoted field never closed, in the field its opening quote starts. 0 when neither is what the file holds there (or it
    /// cannot be read): no column is named rather than a wrong one.</summary>
    internal static int FieldAt(string path, long byteOffset, char separator)
    {
        try
        {
            using var stream = InputFiles.OpenRead(path);
            var buffer = new byte[1 << 16];
            long at = 0;
            int field = 1, opened = 0;
            var quoted = false;
            for (int n; (n = stream.Read(buffer)) > 0; )
            {
                for (var i = 0; i < n; i++, at++)
                {
                    var b = buffer[i];
                    if (at == byteOffset && b == '"' && !quoted) return field;
                    if (b == '"')
                    {
                        // A doubled quote inside a quoted field closes and opens again: the state comes out right.
                        quoted = !quoted;
                        if (quoted) opened = field;
                    }
                    else if (!quoted && b == separator) field++;
                    else if (!quoted && b == '\n') field = 1;
                }
            }
            return quoted ? opened : 0;
        }
        catch (Exception e) when (IoFailure.IsIo(e) || e is InputException)
        {
            return 0;
        }
    }

    /// <summary>CsvHelper's words, except for a record past <see cref="MaxRecordBytes"/>, which it names by its option.</summary>
    public static string Reason(CsvFormatException e) => e.Message.Contains("MaxRecordSize", StringComparison.Ordinal)
        ? $"a line longer than {MaxRecordBytes >> 20} MiB, more than any row holds (a binary file, or a line that never ends?)"
        : e.Message;
}
