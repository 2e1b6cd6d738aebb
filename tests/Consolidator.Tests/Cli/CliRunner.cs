using Consolidator.Timing;

namespace Consolidator.Tests.Cli;

/// <summary>Runs the `consolidator` command in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args) => Run(null, args);

    /// <param name="start">When the command started, on the clock its limit reads (null: the call, on the machine's).</param>
    public static Result Run(CommandStart? start, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Consolidator.Cli.Cli.Run(args, stdout, stderr, start);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Bad input as the trust rules want it: exit 2, the error names <paramref name="where"/> and quotes
    /// <paramref name="what"/>, nothing on stdout, nothing written to <paramref name="outDir"/>.</summary>
    public static void AssertLocatedInputError(Result result, string where, string what, string outDir)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(where, result.Err);
        Assert.Contains(what, result.Err);
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(outDir), "nothing may be written to --out on bad input");
    }
}
