namespace Consolidator.Datasets;

/// <summary>The instants a usage sample may carry: from the Unix epoch (1970-01-01T00:00:00Z, time 0 of every trace
/// format the importers read, relative traces included) to the end of 2099. A sample dated 0001-01-01 or 9999-12-31 is
/// a placeholder, not a measurement: alone among a month of samples it stretched the history to thousands of years
/// (the windows chosen from it, `evaluate --roll` stepping day by day towards it, a half-life weighing every real
/// sample as nothing) without a word. A real trace is a record of the past; the upper bound leaves room for
/// generated and shifted traces while refusing the placeholder years.</summary>
public static class SampleTime
{
    public const long MinUnixSeconds = 0;

    public const int LastYear = 2099;

    /// <summary>2099-12-31T23:59:59Z.</summary>
    public const long MaxUnixSeconds = 4_102_444_799;

    public const string Range = "1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z";

    public static bool Holds(long unixSeconds) => unixSeconds is >= MinUnixSeconds and <= MaxUnixSeconds;

    /// <summary>The problem with a sample at this time, as a located error says it.</summary>
    public const string Problem = "a usage sample must be dated from " + Range + " (a year such as 0001 or 9999 is a placeholder, not a measurement, and would stretch the history it is read into)";
}
