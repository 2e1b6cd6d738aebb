using System.CommandLine;
using System.CommandLine.Invocation;
using Consolidator.Cli.Commands;
using Consolidator.Timing;

namespace Consolidator.Cli;

/// <summary>The `consolidator` command line. It parses options and wires library calls together; all the
/// work lives in the library.</summary>
public static class Cli
{
    /// <param name="start">When the command started, on the clock its wall-clock limit reads: the process's start
    /// (Program.cs), so that the runtime's start-up counts however long it took; null: this call, on the scheduler's
    /// clock (a command run in-process, as the tests run several at once in one process).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CommandStart? start = null)
    {
        start ??= CommandStart.Now(SchedulerClock.Instance);
        var root = new RootCommand("Consolidator: plan VM consolidation from workload traces, solved with OR-Tools CP-SAT and validated before it is written.")
        {
            PlanCommand.Create(stdout, stderr, start),
            GenerateCommand.Create(stdout, stderr),
            SimulateCommand.Create(stdout, stderr),
            ExportCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr, start),
            ImportCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout, stderr, start),
            BenchCommand.Create(stdout, stderr),
            CalibrateCommand.Create(stdout, stderr),
            ImagesCommand.Create(stdout, stderr),
            BenchCommand.CreateOne(stdout, stderr),
        };
        root.Options.Add(new Option<bool>(Guard.VerboseOption) { Description = "On an unexpected failure, print the stack trace too", Recursive = true });
        root.Options.Add(new Option<string>(ConfigFile.OptionName) { Description = "A TOML (or .json) file of options: top-level keys for every command, [plan], [simulate], ... for one; the command line wins", Recursive = true });
        root.HelpName = "consolidator";
        ValueParsers.ApplyTo(root);
        IReadOnlyDictionary<Option, ConfigFile.Setting> fromFile;
        try
        {
            args = ConfigFile.Merge(root, args, out fromFile);
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        var parsed = root.Parse(args);
        // System.CommandLine lets help win over every parse error: `consolidator report --help` printed the root help
        // with exit code 0, as if `report` existed. A word nothing takes is an error, help or not: parsed again
        // without the help option, its error report is the one the same line without --help gets.
        if (parsed.Action is not ParseErrorAction && parsed.UnmatchedTokens.Count > 0)
            parsed = root.Parse(args.Where(a => a is not ("--help" or "-h" or "-?")).ToArray());
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (parsed.Action is ParseErrorAction parseError)
        {
            // A value the config file gave: its error names the file, line and column (the option is not on the command line).
            foreach (var error in parsed.Errors)
                if (OptionOf(error.SymbolResult) is { } option && fromFile.TryGetValue(option, out var setting))
                {
                    using (var safe = new SafeLines(stderr)) safe.WriteLine($"error: {setting.Where}: {error.Message}");
                    return ExitCodes.BadInput;
                }
            // One line, as every other bad input: the errors, System.CommandLine's "did you mean" (which its report
            // gives on lines of their own, read back here) and the usage one command away. Its report was 3 to 6 lines.
            parseError.ShowHelp = false;
            var report = new StringWriter();
            parsed.Invoke(new InvocationConfiguration { Output = report, Error = report });
            var suggestions = Suggestions(report.ToString());
            var line = string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')).Distinct())
                + (suggestions.Count > 0 ? $" (did you mean {string.Join(" or ", suggestions)}?)" : "");
            using (var safe = new SafeLines(stderr)) safe.WriteLine($"error: {line}; run '{Usage(parsed)} --help' for usage");
            return ExitCodes.BadInput;
        }
        ConfigFile.Remember(parsed, fromFile);
        try
        {
            return parsed.Invoke(invocation);
        }
        catch (Exception e) when (Guard.FromConsole(e))
        {
            // The help and the version, which no command's guard wraps: `--help > /dev/full` was an unhandled exception,
            // a stack trace and exit code 134.
            stderr.WriteLine(Guard.StandardOutputFailure(e));
            return ExitCodes.Failure;
        }
    }

    /// <summary>The names System.CommandLine's report lists under "'X' was not matched. Did you mean one of the
    /// following?", up to the blank line after them.</summary>
    private static List<string> Suggestions(string report)
    {
        var names = new List<string>();
        var listing = false;
        foreach (var raw in report.Split('\n'))
        {
            var text = raw.TrimEnd('\r');
            if (text.EndsWith("Did you mean one of the following?", StringComparison.Ordinal)) listing = true;
            else if (text.Length == 0) listing = false;
            // The help option is offered for any short token ("yes", "0.2"); the line ends with the usage anyway.
            else if (listing && text.Trim() is var name && name is not ("-h" or "-?" or "--help") && !names.Contains(name)) names.Add(name);
        }
        return names;
    }

    private static Option? OptionOf(System.CommandLine.Parsing.SymbolResult? result) => result switch
    {
        System.CommandLine.Parsing.OptionResult o => o.Option,
        System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option,
        _ => null,
    };

    /// <summary>The command the user meant, for the hint: "consolidator plan".</summary>
    private static string Usage(ParseResult parsed)
    {
        var names = new List<string>();
        for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Parent is null ? "consolidator" : c.Command.Name);
        return string.Join(' ', names);
    }
}
