using System.CommandLine;
using Consolidator.Solving;
using Consolidator.Timing;

namespace Consolidator.Cli.Commands;

/// <summary>The time limit, seed, workers and mode of every command that runs the solver, spelt alike. By default
/// `--time-limit` is wall-clock seconds for the whole command, start-up included; `--deterministic` makes it
/// counted work per solve (one CP-SAT worker, no wall clock read anywhere), so a run gives the same bytes on any
/// machine under any load.</summary>
/// <param name="start">The command's start (the process's, from Program.cs; the call's when run in-process).</param>
/// <param name="countedWork">What `--time-limit` bounds with `--deterministic`, for `--help`.</param>
/// <param name="workers">What `--workers` means, for `--help`.</param>
internal sealed class SolverOptionsBinder(CommandStart start, double defaultLimit, string wholeCommand = "the whole command",
    string countedWork = "seconds of counted solver work per solve", string workers = "CP-SAT workers; 0 = one per core (--deterministic uses one)")
{
    private readonly Option<double> _timeLimit = new("--time-limit")
    {
        Description = $"Wall-clock seconds (at least 1) for {wholeCommand} (reading, profiles, solve, staging, validation, replay, output); with --deterministic, {countedWork}",
        DefaultValueFactory = _ => defaultLimit,
    };
    private readonly Option<int> _seed = new("--seed") { Description = "CP-SAT random seed", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _workers = new("--workers") { Description = workers, DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _deterministic = new("--deterministic")
    {
        Description = "Bound the solver by counted work instead of the wall clock: the same input and options give the same bytes on any machine under any load, however long that takes",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _timeLimit, _seed, _workers, _deterministic }) command.Options.Add(option);
    }

    public SolverOptions Read(ParseResult r)
    {
        var options = new SolverOptions(r.GetValue(_timeLimit), r.GetValue(_seed), r.GetValue(_workers), r.GetValue(_deterministic));
        SolverOptions.ValidateCommandLimit(options.TimeLimitSeconds, options.Deterministic);
        return options;
    }

    /// <summary>The command's deadline: none in the deterministic mode; otherwise the time limit counted from the
    /// command's start (the process's, so that the runtime's own start-up is inside it, however long it took).</summary>
    public Deadline Deadline(ParseResult r)
    {
        var options = Read(r);
        options.Validate();
        return options.Deterministic ? Timing.Deadline.None : Timing.Deadline.After(options.TimeLimitSeconds, start);
    }
}
