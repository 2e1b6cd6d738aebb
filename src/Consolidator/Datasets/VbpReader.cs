using System.Collections.Immutable;
using System.Globalization;
using Consolidator.Profiles;

namespace Consolidator.Datasets;

/// <summary>Reads a vector bin packing instance in VPSolver's <c>.vbp</c> text format: the number of
/// dimensions d; the bin capacity in each; the number of item lines m; then m lines of d sizes and a
/// multiplicity. Sizes may be negative, as in some published files. Blank lines are skipped; every problem is an <see cref="InputException"/> naming the line,
/// the field (its 1-based position on the line) and the text.</summary>
public static class VbpReader
{
    public static VectorPackingInstance Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new InputException(path, 0, null, 0, null, "file not found");
        using var lines = Lines.Open(path);

        var (line, fields) = lines.Next("the number of dimensions d");
        lines.ExpectCount(line, fields, 1, "the number of dimensions d");
        var d = lines.Integer(line, fields, 0, "d", 1);
        // Each dimension becomes one window of the day, and windows are whole minutes.
        if (Window.MinutesPerDay % d != 0)
            throw new InputException(path, line, "d", 1, fields[0],
                "d must divide 1440 so that each dimension can be one equal window of the day (1, 2, 3, 4, 5, 6, 8, 10, 12, ...)");

        (line, fields) = lines.Next("the bin capacities");
        lines.ExpectCount(line, fields, d, "d bin capacities");
        var capacities = Enumerable.Range(0, d).Select(k => lines.Integer(line, fields, k, $"capacity {k + 1}", 1)).ToImmutableArray();

        (line, fields) = lines.Next("the number of item lines m");
        lines.ExpectCount(line, fields, 1, "the number of item lines m");
        var m = lines.Integer(line, fields, 0, "m", 1);

        var items = ImmutableArray.CreateBuilder<ImmutableArray<int>>();
        for (var i = 0; i < m; i++)
        {
            (line, fields) = lines.Next($"item line {i + 1} of {m}");
            lines.ExpectCount(line, fields, d + 1, $"d = {d} sizes and a multiplicity");
            var sizes = ImmutableArray.CreateBuilder<int>(d);
            for (var k = 0; k < d; k++)
            {
                // Some published Triplet files hold negative sizes (their generator's third item is 100 minus
                // the other two); they are kept here and read as 0 when the instance becomes a dataset.
                var size = lines.Integer(line, fields, k, $"size {k + 1}", int.MinValue);
                if (size > capacities[k])
                    throw new InputException(path, line, $"size {k + 1}", k + 1, fields[k],
                        $"the item is larger than the bin capacity {capacities[k]} in dimension {k + 1}, so no packing exists");
                sizes.Add(size);
            }
            var copies = lines.Integer(line, fields, d, "multiplicity", 0);
            if (items.Count + (long)copies > MaxItems)
                throw new InputException(path, line, "multiplicity", d + 1, fields[d], $"more than {MaxItems} items in all");
            var item = sizes.MoveToImmutable();
            for (var c = 0; c < copies; c++) items.Add(item);
        }
        lines.ExpectEnd(m);
        if (items.Count == 0)
            throw new InputException(path, line, "multiplicity", d + 1, fields[d], "every multiplicity is 0: the instance has no items");

        var name = Path.GetFileNameWithoutExtension(path);
        return new VectorPackingInstance(name, capacities, items.ToImmutable());
    }

    /// <summary>A bound on the items one file may expand to, so a typo in a multiplicity cannot exhaust memory.</summary>
    public const int MaxItems = 1_000_000;

    private sealed class Lines(string path, StreamReader reader) : IDisposable
    {
        private static readonly char[] Blanks = [' ', '\t', '\r'];
        private readonly StreamReader _reader = reader;
        private int _line;

        public static Lines Open(string path)
        {
            try
            {
                return new Lines(path, new StreamReader(InputFiles.OpenRead(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException(path, 0, null, 0, null, $"cannot open the file: {e.Message}");
            }
        }

        /// <summary>The longest line read: d + 1 whole numbers, d at most 1440 (one window a minute), each at most 11
        /// characters, are 17 KiB; 1 MiB leaves room for any spacing. A file of one line that never ends (a sparse or
        /// binary file named as an instance) was read whole into one string.</summary>
        public const int MaxLineChars = 1 << 20;

        /// <summary>The next line without its end, or null at the end of the file; a located error past <see cref="MaxLineChars"/>.</summary>
        private string? ReadLine()
        {
            var line = new System.Text.StringBuilder();
            for (var c = _reader.Read(); c >= 0; c = _reader.Read())
            {
                if (c == '\n') return line.ToString();
                // As StreamReader.ReadLine: a CR alone or before an LF ends the line too.
                if (c == '\r')
                {
                    if (_reader.Peek() == '\n') _reader.Read();
                    return line.ToString();
                }
                if (line.Length == MaxLineChars)
                    throw new InputException(path, _line + 1, null, 0, null, $"a line longer than {MaxLineChars >> 20} MiB, more than any instance's line holds (a binary file, or a line that never ends?)");
                line.Append((char)c);
            }
            return line.Length > 0 ? line.ToString() : null;
        }

        public (int Line, string[] Fields) Next(string what)
        {
            while (ReadLine() is { } text)
            {
                _line++;
                var fields = text.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0) return (_line, fields);
            }
            throw new InputException(path, _line + 1, null, 0, null, $"the file ends early; expected {what}");
        }

        public void ExpectCount(int line, string[] fields, int count, string what)
        {
            if (fields.Length == count) return;
            var at = Math.Min(fields.Length, count);
            throw new InputException(path, line, null, at + 1, fields.Length > count ? fields[count] : null,
                $"expected {what} ({count} field{(count == 1 ? "" : "s")}) but the line has {fields.Length}");
        }

        public int Integer(int line, string[] fields, int index, string name, int minimum)
        {
            var text = fields[index];
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw new InputException(path, line, name, index + 1, text, "not a whole number");
            if (value < minimum)
                throw new InputException(path, line, name, index + 1, text, $"must be at least {minimum}");
            return value;
        }

        public void ExpectEnd(int itemLines)
        {
            while (ReadLine() is { } text)
            {
                _line++;
                if (text.AsSpan().Trim(Blanks).IsEmpty) continue;
                throw new InputException(path, _line, null, 0, text.Trim(),
                    $"unexpected line after the {itemLines} item lines the file announced (is m too small?)");
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
