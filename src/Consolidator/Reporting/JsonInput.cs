using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Consolidator.Reporting;

/// <summary>Reads a JSON file the tool wrote into its records through the source-generated serializer, and
/// reports every problem as one <see cref="InputException"/> naming the file, line, column, field and value.
/// A problem is named by its JSON path ("$.stages[2].migrations[0].kind"): the serializer's
/// <see cref="JsonException.Path"/> for a value of the wrong kind, the reader's own for a check made after
/// reading; the path is then found in the bytes to give the line, the column and the value as written.</summary>
internal sealed partial class JsonInput(byte[] bytes, string path)
{
    // Without a byte-order mark, as Windows editors save UTF-8: a plan.json edited in Notepad was "not valid JSON at
    // column 1: '0xEF' is an invalid start of a value", where every CSV and config reader takes the mark; RFC 8259
    // (section 8.1) lets a parser ignore it.
    private readonly byte[] utf8 = bytes.AsSpan().StartsWith(ByteOrderMark) ? bytes[ByteOrderMark.Length..] : bytes;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static readonly JsonReaderOptions Reading = new() { CommentHandling = JsonCommentHandling.Skip };

    public T Read<T>(JsonTypeInfo<T> type, string what) where T : class
    {
        if (Syntax(what) is { } malformed) throw malformed;
        try
        {
            return JsonSerializer.Deserialize(utf8, type) ?? throw Error("$", $"expected a {what} object");
        }
        catch (JsonException e)
        {
            throw Error(e.Path ?? "$", $"expected {Expected(type, e.Path ?? "$")}");
        }
    }

    /// <summary>Null when the bytes are UTF-8 JSON with each member named once per object; else the problem, located.</summary>
    public InputException? Problem(string what) => Syntax(what);

    /// <summary>The value at <paramref name="jsonPath"/> is wrong (or, if it is missing, the object that
    /// should hold it).</summary>
    public InputException Error(string jsonPath, string problem)
    {
        var segments = Segments(jsonPath);
        var field = segments.OfType<string>().LastOrDefault() ?? "$";
        var (offset, value) = Find(segments);
        var (line, column) = Position(offset);
        return new InputException(path, line, field, column, value, problem);
    }

    /// <summary>A required value, or an error naming the field and the object that lacks it.</summary>
    public T Need<T>(T? value, string jsonPath) where T : class =>
        value ?? throw Missing(jsonPath);

    public T Need<T>(T? value, string jsonPath) where T : struct =>
        value ?? throw Missing(jsonPath);

    // Present as null, the value is located; absent, the object that lacks it.
    private InputException Missing(string jsonPath) =>
        Error(jsonPath, $"required field \"{Segments(jsonPath).OfType<string>().LastOrDefault()}\" is missing");

    /// <summary>Runs an options record's own check and reports a value it rejects as the field it was read
    /// from: "plan.json:7, column 17 'headroom': must be in [0, 1) (value '1.5')", not as a .NET parameter or a
    /// command-line option.</summary>
    /// <param name="fields">The JSON path of each checked property, by property name.</param>
    public void Check(Action validate, Dictionary<string, string> fields)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is { } name && fields.TryGetValue(name, out var at))
        {
            // The checks speak to the command line ("--headroom must be in [0, 1)"); here the field is named already.
            var message = e.Message.Split('\n')[0].Replace($" (Parameter '{name}')", "", StringComparison.Ordinal).Trim();
            if (message.StartsWith("--", StringComparison.Ordinal) && message.IndexOf(' ') is > 0 and var space) message = message[(space + 1)..];
            throw Error(at, message);
        }
    }

    /// <summary>Null when the bytes are JSON with each member named once per object; else the reader's complaint
    /// at its line and column, or the second member of a name.</summary>
    private InputException? Syntax(string what)
    {
        if (utf8.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            return new InputException(path, 1, null, 0, null, $"the file is empty; expected a {what} object");
        if (TextBytes.NotUtf8(utf8) is { } encoding)
            return new InputException(path, 1, null, 0, null, $"{encoding}; expected a {what} object in UTF-8");
        var reader = new Utf8JsonReader(utf8, Reading);
        var objects = new Stack<Dictionary<string, long>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: objects.Push([]); break;
                    case JsonTokenType.EndObject: objects.Pop(); break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!objects.Peek().TryAdd(name, reader.TokenStartIndex))
                            return Duplicate(name, objects.Peek()[name], reader.TokenStartIndex);
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            var cut = e.Message.IndexOf(" LineNumber", StringComparison.Ordinal);
            var sentence = (cut > 0 ? e.Message[..cut] : e.Message).Trim();
            return new InputException(path, (int)(e.LineNumber ?? 0) + 1, null, 0, null, $"not valid JSON at column {(e.BytePositionInLine ?? 0) + 1}: {sentence}");
        }
    }

    // RFC 8259 (section 4) leaves a repeated name's meaning to the reader: the serializer kept the last one silently,
    // so a hand-merged plan.json with two "headroom" or "to_host" members was read as whichever came second.
    private InputException Duplicate(string name, long first, long second)
    {
        var (firstLine, firstColumn) = Position(first);
        var (line, column) = Position(second);
        return new InputException(path, line, name, column, null,
            $"\"{Quoted.Value(name)}\" appears twice in one object (first at line {firstLine}, column {firstColumn}); which one counts would be a guess");
    }

    /// <summary>The deepest value on the path that the file holds: its byte offset and its text as an error
    /// quotes it.</summary>
    private (long Offset, string? Value) Find(IReadOnlyList<object> segments)
    {
        var reader = new Utf8JsonReader(utf8, Reading);
        if (!reader.Read()) return (0, null);
        foreach (var segment in segments)
        {
            var found = false;
            var next = reader;
            if (segment is string name && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var match = reader.ValueTextEquals(name);
                    reader.Read();
                    if (match) { found = true; next = reader; }
                    reader.Skip();
                }
            }
            else if (segment is int index && reader.TokenType == JsonTokenType.StartArray)
            {
                for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    if (i == index) { found = true; next = reader; break; }
                    reader.Skip();
                }
            }
            reader = next; // not found: the object or array that lacks it
            if (!found) break;
        }
        return (reader.TokenStartIndex, reader.TokenType switch
        {
            JsonTokenType.StartObject => "{...}",
            JsonTokenType.StartArray => "[...]",
            JsonTokenType.String => reader.GetString(),
            _ => Encoding.UTF8.GetString(reader.ValueSpan),
        });
    }

    /// <summary>1-based line and column of a byte offset (columns count characters, not bytes).</summary>
    private (int Line, int Column) Position(long offset)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < offset && i < utf8.Length; i++)
            if (utf8[i] == (byte)'\n') { line++; lineStart = i + 1; }
        return (line, Encoding.UTF8.GetCharCount(utf8, lineStart, (int)Math.Min(offset, utf8.Length) - lineStart) + 1);
    }

    /// <summary>"$.a.b[2]['c d']" as ["a", "b", 2, "c d"].</summary>
    private static List<object> Segments(string jsonPath) =>
        [.. PathSegment().Matches(jsonPath).Select(m => m.Groups["name"].Success ? (object)m.Groups["name"].Value
            : m.Groups["quoted"].Success ? m.Groups["quoted"].Value : int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    /// <summary>What the record the serializer was filling holds at that path, in the words of the file.</summary>
    private static string Expected(JsonTypeInfo root, string jsonPath)
    {
        var type = root;
        foreach (var segment in Segments(jsonPath))
        {
            var next = segment is string name
                ? type.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType
                : type.ElementType;
            if (next is null) break;
            type = root.Options.GetTypeInfo(next);
        }
        return (Nullable.GetUnderlyingType(type.Type) ?? type.Type) switch
        {
            var t when t == typeof(double) => "a number",
            var t when t == typeof(int) || t == typeof(long) => "a whole number",
            var t when t == typeof(bool) => "true or false",
            var t when t == typeof(string) => "a string",
            _ => type.Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                _ => "an object",
            },
        };
    }
}
