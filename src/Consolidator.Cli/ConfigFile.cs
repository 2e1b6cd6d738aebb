using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Consolidator.Cli;

/// <summary>Options from a file (<c>--config consolidator.toml</c>, or a <c>.json</c> file of the same shape):
/// top-level keys are option names without the dashes and apply to every command that has that option; a table
/// named after a command (<c>[plan]</c>, <c>[simulate]</c>, ...) holds options for that command only. A value
/// given on the command line wins over the file. An unknown key, a table that is no command, or a value of the
/// wrong kind is an error naming the file, line and column.</summary>
/// <example><code>
/// headroom = 0.15
/// max-downtime = 500
/// [plan]
/// workers = 1
/// time-limit = 60
/// </code></example>
internal static class ConfigFile
{
    public const string OptionName = "--config";

    /// <summary>One key = value of the file, where it is, and the command line tokens of its value (an array's items
    /// joined with commas, as the command line lists them: <paramref name="Array"/>).</summary>
    public sealed record Setting(string? Command, string Key, string[] Values, string Where, bool Array = false);

    /// <summary>The arguments with every setting of the file that applies to the command being run and that the
    /// command line does not give itself; unchanged without <c>--config</c>. <paramref name="fromFile"/> says where
    /// in the file each option added came from, so that an error in its value names the file, line and column. A
    /// command's table wins over a top-level key (both were passed on: "expects a single argument but 2 were
    /// provided"); a key given twice in one place is an error (TOML's parser says so; JSON's reader keeps both).</summary>
    public static string[] Merge(RootCommand root, string[] args, out IReadOnlyDictionary<Option, Setting> fromFile)
    {
        fromFile = new Dictionary<Option, Setting>();
        var parsed = root.Parse(args);
        if (parsed.GetResult(root.Options.First(o => o.Name == OptionName)) is not { } configResult
            || configResult.Tokens.Count == 0) return args;
        var path = configResult.Tokens[^1].Value;
        // An empty value, or an option in place of the path (`--config --deterministic`), is refused with the others
        // when the arguments are parsed.
        if (path.Length == 0 || parsed.Errors.Any(e => e.SymbolResult == configResult)) return args;
        var command = parsed.CommandResult.Command;
        var chosen = new Dictionary<Option, Setting>();
        var order = new List<Option>();
        foreach (var s in Read(path))
        {
            if (s.Command is not null && root.Subcommands.All(c => c.Name != s.Command))
                throw new InputException(s.Where, 0, null, 0, s.Command, $"[{s.Command}] is not a command of consolidator ({string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))})");
            var name = "--" + s.Key.TrimStart('-');
            if (s.Command is not null && s.Command != command.Name) continue;
            if (name == OptionName) throw new InputException(s.Where, 0, null, 0, null, $"{OptionName} cannot be set in a config file: give it on the command line");
            // The root's own options (--verbose) belong to every command.
            var option = command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name))
                ?? root.Options.FirstOrDefault(o => o.Recursive && o.Name == name);
            if (option is null)
            {
                var anywhere = root.Subcommands.Any(c => c.Options.Any(o => o.Name == name));
                if (s.Command is null && anywhere) continue; // an option of another command
                throw new InputException(s.Where, 0, null, 0, s.Key, s.Command is null
                    ? "no command of consolidator has this option"
                    : $"'consolidator {s.Command}' has no option {name}");
            }
            // --help takes no value: `help = true` was passed on as "--help true", and the error ("Unrecognized command or
            // argument 'true'") named neither the file nor the key.
            if (option.Arity.MaximumNumberOfValues == 0)
                throw new InputException(s.Where, 0, null, 0, null, $"{name} cannot be set in a config file: give it on the command line");
            // `fail-on = []` or `out = ""` was passed on as an empty value and refused in the words for a shell ("an
            // empty value (an unset shell variable?)"); in a file, the key is what to change or remove.
            if (s.Values.Any(v => v.Length == 0))
                throw new InputException(s.Where, 0, null, 0, null, $"{Quoted.Value(s.Key)} is empty (\"\" or []): no option takes an empty value; give one, or remove the key to keep the default");
            // `headroom = [0,15]` (a decimal comma, which TOML reads as an array of 0 and 15) reached the number parser as
            // "0,15"; an array given to an option of one number is refused as what it is.
            if (s.Array && (Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) is var t && (t == typeof(double) || t == typeof(int)))
                throw new InputException(s.Where, 0, null, 0, null, $"{name} takes one number, not an array{DecimalComma.Hint(s.Values[0])}");
            if (parsed.GetResult(option) is { Implicit: false }) continue; // the command line wins
            if (option.ValueType == typeof(bool) && !bool.TryParse(s.Values[0], out _))
                throw new InputException(s.Where, 0, null, 0, s.Values[0], $"{name} takes true or false");
            if (chosen.TryGetValue(option, out var earlier))
            {
                if ((earlier.Command is null) == (s.Command is null))
                    throw new InputException(s.Where, 0, null, 0, s.Key, $"{name} is set twice (first at {earlier.Where})");
                if (s.Command is null) continue; // the command's table, read before, wins
            }
            else order.Add(option);
            chosen[option] = s;
        }
        var extra = new List<string>();
        foreach (var option in order)
        {
            extra.Add(option.Name);
            extra.AddRange(chosen[option].Values);
        }
        fromFile = chosen;
        if (extra.Count == 0) return args;
        var end = Array.IndexOf(args, "--");
        return end < 0 ? [.. args, .. extra] : [.. args[..end], .. extra, .. args[end..]];
    }

    private static readonly ConditionalWeakTable<ParseResult, IReadOnlyDictionary<Option, Setting>> Origins = new();

    /// <summary>Keeps, for the command about to run, which options the file gave, so that <see cref="Locate"/> can
    /// name the file when the command's own check refuses one of their values.</summary>
    public static void Remember(ParseResult parsed, IReadOnlyDictionary<Option, Setting> fromFile)
    {
        if (fromFile.Count > 0) Origins.AddOrUpdate(parsed, fromFile);
    }

    /// <summary>An option's own check speaks to the command line ("--headroom must be in [0, 1)"); when the file set
    /// that option, the message is prefixed with the file, line and column of the key, and the value is quoted
    /// unless the message quotes it already. Other messages come back unchanged.</summary>
    public static string Locate(ParseResult parsed, string message)
    {
        if (!message.StartsWith("--", StringComparison.Ordinal) || !Origins.TryGetValue(parsed, out var fromFile)) return message;
        var end = 2;
        while (end < message.Length && (char.IsAsciiLetterOrDigit(message[end]) || message[end] == '-')) end++;
        var name = message[..end];
        foreach (var (option, setting) in fromFile)
        {
            if (option.Name != name && !option.Aliases.Contains(name)) continue;
            var value = string.Join(' ', setting.Values);
            var quoted = message.Contains(value, StringComparison.Ordinal) ? "" : $" (value '{Quoted.Value(value)}')";
            return $"{setting.Where}: {message}{quoted}";
        }
        return message;
    }

    private const int MaxChars = 1 << 20;

    public static IReadOnlyList<Setting> Read(string path)
    {
        // A named pipe would wait for a writer for ever; a device is no config file (the bound below is for the rest).
        if (FileKinds.Problem(path) is { } problem) throw new InputException(path, 0, null, 0, null, problem);
        // A folder read as "cannot read the config file (Access to the path ... is denied.)", which sends a root user
        // looking for permissions.
        if (Directory.Exists(path)) throw new InputException(path, 0, null, 0, null, "a folder, not a config file");
        string text;
        try
        {
            // Bounded: a config file is a few lines, and /dev/zero named by mistake was read until memory ran out.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
            using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxChars + 1];
            var length = reader.ReadBlock(buffer, 0, buffer.Length);
            if (length > MaxChars)
                throw new InputException(path, 0, null, 0, null, "more than 1 MiB: larger than any config file");
            text = new string(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, null, 0, null, e is FileNotFoundException or DirectoryNotFoundException ? "config file not found" : $"cannot read the config file: {IoFailure.Reason(e)}");
        }
        // UTF-16 without a byte-order mark reads as every other character NUL: "not TOML: Expecting `=` after a key instead
        // of \u0" (a mark is read as the encoding it names).
        if (text.Contains('\0'))
            throw new InputException(path, 0, null, 0, null, "NUL characters: the file looks UTF-16 without a byte-order mark, or binary; save it as UTF-8 text");
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(path, text) : FromToml(path, text);
    }

    private static List<Setting> FromToml(string path, string text)
    {
        DocumentSyntax doc;
        try
        {
            doc = SyntaxParser.Parse(text, path, true);
        }
        catch (Tomlyn.TomlException e)
        {
            // Tomlyn reports most mistakes as diagnostics but throws on nesting past its depth bound ("Change
            // TomlSerializerOptions.MaxDepth", a stack trace and exit code 134 before): no config value nests at all.
            var tooDeep = e.Message.Contains("maximum depth", StringComparison.Ordinal);
            var at = e.Line is { } line ? $"{path}:{line}:{e.Column ?? 1}"
                : tooDeep && Deeper(text, MaxTomlDepth) is { } p ? Where(path, p) : path;
            throw new InputException(at, 0, null, 0, null, "not TOML: " + (tooDeep
                ? $"arrays or tables nested more than {MaxTomlDepth} deep; a value is a string, a number, true or false, or an array of them"
                : e.Message));
        }
        if (doc.HasErrors)
        {
            var first = doc.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new InputException(Where(path, first.Span.Start), 0, null, 0, null, "not TOML: " + first.Message + CommaHint(text, first.Span.Start.Line, first.Span.Start.Column));
        }
        var settings = new List<Setting>();
        foreach (var kv in doc.KeyValues) settings.Add(Toml(path, null, kv));
        foreach (var table in doc.Tables)
        {
            var name = Key(table.Name!);
            if (table is TableArraySyntax || name.Contains('.'))
                throw new InputException(Where(path, table.Span.Start), 0, null, 0, name, "a table must be named after one command, e.g. [plan]");
            foreach (var kv in table.Items) settings.Add(Toml(path, name, kv));
        }
        return settings;
    }

    /// <summary>The decimal-comma hint (<see cref="DecimalComma"/>) for a syntax error at a number written with one:
    /// `headroom = 0,15` was "not TOML: Unexpected token found `,`", and in JSON "'1' is an invalid start of a property
    /// name". <paramref name="line"/> and <paramref name="column"/> count from 0; the digits and commas around that place
    /// are the number.</summary>
    private static string CommaHint(string text, int line, int column)
    {
        var lines = text.Split('\n');
        if (line < 0 || line >= lines.Length) return "";
        var l = lines[line];
        int at = Math.Clamp(column, 0, l.Length), start = at, end = at;
        static bool Part(char c) => char.IsAsciiDigit(c) || c is ',' or '.' or '-' or '+';
        while (start > 0 && Part(l[start - 1])) start--;
        while (end < l.Length && Part(l[end])) end++;
        return start < end && l[start..end].Contains(',') ? DecimalComma.Hint(l.AsSpan(start, end - start).Trim(',')) ?? "" : "";
    }

    /// <summary>Tomlyn's bound on nesting (TomlSerializerOptions.MaxDepth's default).</summary>
    private const int MaxTomlDepth = 64;

    /// <summary>Where the first bracket or brace that opens level <paramref name="max"/> + 1 is, outside strings and
    /// comments, or null: Tomlyn's exception for nesting too deep has no position.</summary>
    private static TextPosition? Deeper(string text, int max)
    {
        var (depth, line, column) = (0, 0, 0);
        char? quote = null;
        var comment = false;
        for (var i = 0; i < text.Length; i++, column++)
        {
            var c = text[i];
            if (c == '\n') { (line, column, comment) = (line + 1, -1, false); continue; }
            if (comment) continue;
            if (quote is { } q)
            {
                if (c == '\\' && q == '"') { i++; column++; }
                else if (c == q) quote = null;
                continue;
            }
            switch (c)
            {
                case '"' or '\'': quote = c; break;
                case '#': comment = true; break;
                case '[' or '{' when ++depth > max: return new TextPosition(i, line, column);
                case ']' or '}': depth--; break;
            }
        }
        return null;
    }

    private static Setting Toml(string path, string? command, KeyValueSyntax kv)
    {
        var where = Where(path, kv.Span.Start);
        string[] values = kv.Value switch
        {
            ArraySyntax a => [Listed(a.Items.Select(i => Scalar(i.Value, where)).ToList(), Key(kv.Key!), where)],
            var v => [Scalar(v, where)],
        };
        return new Setting(command, Key(kv.Key!), values, where, kv.Value is ArraySyntax);
    }

    /// <summary>An array's items as the command line lists them, "a,b"; an empty item is named by its place in the array
    /// (the command line's words, "a doubled, leading or trailing comma?", are of no help for ["slo", ""]).</summary>
    private static string Listed(List<string> items, string key, string where)
    {
        var empty = items.IndexOf("");
        if (empty >= 0 && items.Count > 1)
            throw new InputException(where, 0, null, 0, null, $"item {empty + 1} of {Quoted.Value(key)}'s array is empty (\"\")");
        return string.Join(',', items);
    }

    private static string Scalar(ValueSyntax? value, string where) => value switch
    {
        StringValueSyntax s => s.Value ?? "",
        IntegerValueSyntax i => i.Value.ToString(CultureInfo.InvariantCulture),
        FloatValueSyntax f => f.Value.ToString("R", CultureInfo.InvariantCulture),
        BooleanValueSyntax b => b.Value ? "true" : "false",
        _ => throw new InputException(where, 0, null, 0, null, "a value must be a string, a number, true or false, or an array of them"),
    };

    private static string Key(KeySyntax key) =>
        string.Join('.', new[] { key.Key }.Concat(key.DotKeys.Select(d => d.Key)).Select(k => k switch
        {
            BareKeySyntax b => b.Key?.Text ?? "",
            StringValueSyntax s => s.Value ?? "",
            _ => k?.ToString() ?? "",
        }));

    private static string Where(string path, TextPosition p) => $"{path}:{p.Line + 1}:{p.Column + 1}";

    /// <summary>The same shape in JSON: <c>{"headroom": 0.15, "plan": {"workers": 1}}</c>.</summary>
    private static List<Setting> FromJson(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var settings = new List<Setting>();
        string? command = null;
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, bytes);
            while (Next(ref reader) != JsonTokenType.EndObject || command is not null)
            {
                if (reader.TokenType == JsonTokenType.EndObject) { command = null; continue; }
                var key = reader.GetString()!;
                var where = Where(path, bytes, reader.TokenStartIndex);
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    if (command is not null) throw new InputException(where, 0, null, 0, key, "a command's options cannot hold another object");
                    // A command's object twice (`"plan"` at the top and again at the end): read as one, where TOML refuses a
                    // table given twice and most JSON tools keep only the last (jq, Python), so the file said two things.
                    if (!tables.TryAdd(key, where))
                        throw new InputException(where, 0, null, 0, key, $"the options of '{Quoted.Value(key)}' are given twice (first at {tables[key]}): put them in one object");
                    command = key;
                    continue;
                }
                var array = reader.TokenType == JsonTokenType.StartArray;
                string[] values = array ? [Listed(Items(ref reader, path, bytes), key, where)] : [JsonScalar(ref reader, path, bytes)];
                settings.Add(new Setting(command, key, values, where, array));
            }
            // Past the object: only white space and comments. `{"plan": {...}} {"headroom": 0.5}` (two files pasted into
            // one) or trailing text was read up to the first object's end, the rest ignored without a word, exit 0; the
            // reader's own error names what follows.
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}", 0, null, 0, null, "not JSON: " + e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]
                + CommaHint(text, (int)(e.LineNumber ?? 0), (int)(e.BytePositionInLine ?? 0)));
        }
        return settings;
    }

    private static List<string> Items(ref Utf8JsonReader reader, string path, byte[] bytes)
    {
        var items = new List<string>();
        while (Next(ref reader) != JsonTokenType.EndArray) items.Add(JsonScalar(ref reader, path, bytes));
        return items;
    }

    private static string JsonScalar(ref Utf8JsonReader reader, string path, byte[] bytes) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => throw new InputException(Where(path, bytes, reader.TokenStartIndex), 0, null, 0, null, "a value must be a string, a number, true or false, or an array of them"),
    };

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("the file ends inside the object");
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, byte[] bytes)
    {
        if (Next(ref reader) != type) throw new InputException(Where(path, bytes, reader.TokenStartIndex), 0, null, 0, null, "expected an object of options");
    }

    private static string Where(string path, byte[] bytes, long offset)
    {
        int line = 1, column = 1;
        for (var i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == '\n') { line++; column = 1; }
            else if ((bytes[i] & 0xC0) != 0x80) column++;
        }
        return $"{path}:{line}:{column}";
    }
}
