using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Consolidator.Cli;

/// <summary>Numbers and switches on the command line, read in the invariant culture, with errors in the user's
/// words (System.CommandLine's own say "as expected type 'System.Double'"). Given to every option of the tree
/// that has no parser of its own, so that a command declares its options plainly. Text options and arguments (paths,
/// lists, names) refuse an empty value: no option takes one, and as a path it was .NET's "The value cannot be an empty
/// string" (exit code 1, "a bug"; --config "" a stack trace and exit code 134).</summary>
internal static class ValueParsers
{
    private delegate bool TryParse<T>(string text, out T value);

    public static void ApplyTo(Command command)
    {
        foreach (var argument in command.Arguments)
            if (argument is Argument<string> or Argument<string[]>)
            {
                argument.Validators.Add(NotEmpty);
                argument.Validators.Add(Utf8);
            }
        foreach (var option in command.Options)
        {
            if (option is Option<string> or Option<string[]>)
            {
                option.Validators.Add(NotEmpty);
                option.Validators.Add(Utf8);
            }
            if (option.Arity.MaximumNumberOfValues > 0) option.Validators.Add(NotAnOption);
            switch (option)
            {
                case Option<double> o when o.CustomParser is null:
                    o.CustomParser = r => Parse<double>(r, Number, "a number", o.DefaultValueFactory);
                    break;
                case Option<double?> o when o.CustomParser is null:
                    o.CustomParser = r => Parse<double?>(r, Nullable<double>(Number), "a number", o.DefaultValueFactory);
                    break;
                case Option<int> o when o.CustomParser is null:
                    o.CustomParser = r => Parse<int>(r, Whole, "a whole number", o.DefaultValueFactory, WholeRange);
                    break;
                case Option<int?> o when o.CustomParser is null:
                    o.CustomParser = r => Parse<int?>(r, Nullable<int>(Whole), "a whole number", o.DefaultValueFactory, WholeRange);
                    break;
                case Option<bool> o when o.CustomParser is null:
                    // A switch given alone means true.
                    o.CustomParser = r => r.Tokens.Count == 0 && r.Parent is OptionResult { Implicit: false } || Parse<bool>(r, bool.TryParse, "true or false", o.DefaultValueFactory);
                    break;
            }
        }
        foreach (var sub in command.Subcommands) ApplyTo(sub);
    }

    /// <summary>The value, or an error in the user's words; a number written with a decimal comma or thousands
    /// separators ("0,15", "1,000") gets a hint (<see cref="DecimalComma"/>), never a reading.</summary>
    private static T Parse<T>(ArgumentResult result, TryParse<T> parse, string expected, Func<ArgumentResult, T>? fallback, Func<string, string?>? why = null)
    {
        if (result.Tokens.Count == 0) return fallback is not null ? fallback(result) : default!;
        var text = result.Tokens[^1].Value;
        if (parse(text, out var value)) return value;
        result.AddError($"{Name(result)}: '{Short(text)}' {why?.Invoke(text) ?? $"is not {expected}{DecimalComma.Hint(text, whole: typeof(T) == typeof(int) || typeof(T) == typeof(int?))}"}");
        return default!;
    }

    /// <summary>Why a whole number is refused when it is one, past what the option holds: `--seed 99999999999` was "is not
    /// a whole number".</summary>
    private static string? WholeRange(string text) =>
        System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big)
            ? big.Sign > 0 ? $"is too large: at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)}" : $"is too small: at least {int.MinValue.ToString(CultureInfo.InvariantCulture)}"
            : null;

    private static void NotEmpty(SymbolResult result)
    {
        if (result.Tokens.Any(t => t.Value.Length == 0))
            result.AddError($"{(result is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : ((ArgumentResult)result).Argument.Name)}: an empty value (an unset shell variable?)");
    }

    /// <summary>A value holding U+FFFD, which is what .NET reads a byte that is not UTF-8 as: `--out $'r\xe9sultat'` (a
    /// Latin-1 name) wrote into a folder named "r\xef\xbf\xbdsultat", another than the one asked for, exit 0, and such a
    /// dataset folder was "not found" though it is there.</summary>
    private static void Utf8(SymbolResult result)
    {
        foreach (var token in result.Tokens)
        {
            var at = token.Value.IndexOf('\uFFFD');
            if (at < 0) continue;
            var name = result is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : ((ArgumentResult)result).Argument.Name;
            result.AddError($"{name}: '{Short(token.Value)}' holds U+FFFD (at character {at + 1}), what a byte that is not UTF-8 reads as: such a name cannot be given as it is (rename it, or link to it under a UTF-8 name)");
            return;
        }
    }

    /// <summary>An option's value that is another option: System.CommandLine takes whatever follows an option that needs
    /// a value, so `plan d --out --no-plots` wrote the plan into a folder named "--no-plots", `--out --help` into
    /// "--help" (exit 0), where the user had left the value out. A value that starts with "--" or is another option's
    /// name is refused; a path that starts with '-' can be written "./-name".</summary>
    private static void NotAnOption(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            var text = token.Value;
            if (!text.StartsWith('-') || !(text.StartsWith("--", StringComparison.Ordinal) || IsOptionName(result, text))) continue;
            var name = result.IdentifierToken?.Value ?? result.Option.Name;
            result.AddError($"{name} needs a value, and '{Short(text)}' is an option (a path that starts with '-' can be written './{Short(text)}')");
            return;
        }
    }

    /// <summary>True when <paramref name="text"/> names an option of the command being parsed or a recursive option of
    /// a command above it (-h, -?).</summary>
    private static bool IsOptionName(OptionResult result, string text)
    {
        for (var (parent, own) = (result.Parent, true); parent is not null; parent = parent.Parent, own = false)
            if (parent is CommandResult c && c.Command.Options.Any(o => (own || o.Recursive) && (o.Name == text || o.Aliases.Contains(text))))
                return true;
        return false;
    }

    /// <summary>A text option that takes one of <paramref name="values"/>, refused in one line in the words of the other
    /// options ("--to must be 'libvirt', ..."): System.CommandLine's AcceptOnlyFromAmong wrote "Argument 'x' not
    /// recognized. Must be one of:" and then a line per value. The values still show in the help, as it showed them.</summary>
    public static void OneOf(Option<string> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || result.Tokens[^1].Value is not { Length: > 0 } text || values.Contains(text)) return;
            var list = string.Join(", ", values[..^1].Select(v => $"'{v}'")) + $" or '{values[^1]}'";
            result.AddError($"{option.Name} must be {list}, not '{Short(text)}'");
        });
    }

    /// <summary>A number in the invariant culture; "-0" is read as 0 (adding +0 turns IEEE negative zero positive): it
    /// was kept as -0 and written so, "headroom": -0 in plan.json and a headroom of -0 in sweep.csv and sweep.html.</summary>
    internal static bool Number(string text, out double value)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        value += 0.0;
        return true;
    }

    private static bool Whole(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static TryParse<T?> Nullable<T>(TryParse<T> parse) where T : struct =>
        (string text, out T? value) =>
        {
            var ok = parse(text, out var v);
            value = ok ? v : null;
            return ok;
        };

    private static string Name(ArgumentResult result) =>
        result.Parent is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : result.Argument.Name;

    /// <summary>At most 40 characters of what was typed, control characters escaped.</summary>
    private static string Short(string text)
    {
        var cut = text.Length > 40 ? text[..40] + "..." : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
