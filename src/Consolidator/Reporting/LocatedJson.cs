using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Consolidator.Reporting;

/// <summary>A parsed JSON value that remembers where it starts, so that a reader can say which line and
/// column of the file holds a value it rejects (System.Text.Json's DOM forgets positions).</summary>
internal abstract record LocatedJson(long Offset)
{
    public sealed record Object(long Offset, IReadOnlyList<(string Name, LocatedJson Value)> Members) : LocatedJson(Offset);

    public sealed record Array(long Offset, IReadOnlyList<LocatedJson> Items) : LocatedJson(Offset);

    /// <summary>A string, number, true, false or null, with its text as written (strings unescaped).</summary>
    public sealed record Scalar(long Offset, JsonTokenType Kind, string Text) : LocatedJson(Offset);

    public static LocatedJson Parse(byte[] utf8, string path)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read()) throw new InputException(path, 1, null, 0, null, "the file is empty; expected a plan.json object");
            var value = ReadValue(ref reader);
            if (reader.Read()) throw new JsonException("unexpected content after the end of the plan object");
            return value;
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            throw new InputException(path, line, null, 0, null, $"not valid JSON at column {column}: {FirstSentence(e.Message)}");
        }
    }

    private static LocatedJson ReadValue(ref Utf8JsonReader reader)
    {
        var offset = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = new List<(string, LocatedJson)>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    members.Add((name, ReadValue(ref reader)));
                }
                return new Object(offset, members);
            case JsonTokenType.StartArray:
                var items = new List<LocatedJson>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref reader));
                return new Array(offset, items);
            case JsonTokenType.String:
                return new Scalar(offset, reader.TokenType, reader.GetString()!);
            default:
                var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                return new Scalar(offset, reader.TokenType, Encoding.UTF8.GetString(raw));
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>1-based line and column of a byte offset (columns count characters, not bytes).</summary>
    public static (int Line, int Column) Position(byte[] utf8, long offset)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < offset && i < utf8.Length; i++)
            if (utf8[i] == (byte)'\n') { line++; lineStart = i + 1; }
        var column = Encoding.UTF8.GetCharCount(utf8, lineStart, (int)Math.Min(offset, utf8.Length) - lineStart) + 1;
        return (line, column);
    }

    /// <summary>The value as an error message quotes it.</summary>
    public string Describe() => this switch
    {
        Scalar s => s.Text,
        Object => "{...}",
        _ => "[...]",
    };
}
