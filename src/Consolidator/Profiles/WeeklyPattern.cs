using System.Globalization;
using Consolidator.Traces;

namespace Consolidator.Profiles;

/// <summary>Whether a history shows a weekly pattern, and which scheme follows from it. The test asks what a
/// planner needs to know: does knowing the kind of day predict a day's load better than the hour alone? Each
/// whole UTC day of the history is left out in turn and its hourly CPU, VM by VM, is predicted by the mean of
/// the same hour on (a) all other days, (b) the other days of its kind (working day or weekend) and, with two
/// weeks or more, (c) the same day of other weeks. The errors are summed over VMs in cores, so the VMs that
/// carry the load weigh most. A scheme that knows the week is chosen only when its error is at least
/// <see cref="RequiredGain"/> lower than the simpler one's: a split that only fits noise predicts no better
/// out of sample.</summary>
public sealed record WeeklyPattern(WindowScheme Scheme, int Days, double HourlyError, double DayKindError, double? WeekdayError, string Reason)
{
    /// <summary>Relative error reduction a finer scheme must bring to be chosen. A tenth: less is within the
    /// day-to-day noise of enterprise traces, and a finer scheme has fewer samples per window.</summary>
    public const double RequiredGain = 0.10;

    /// <summary>Hours of a day a VM must be sampled in for the day to count (most of the day).</summary>
    private const int MinHoursPerDay = 20;

    public bool KnowsTheWeek => Scheme.KnowsTheWeek;

    public static WeeklyPattern Detect(Dataset history)
    {
        var (first, last) = Span(history);
        var spanDays = first > last ? 0 : (last - first) / 86400.0;
        // A week of samples ends one sampling step short of 7 x 24 h; an hour's slack covers any usual step.
        if (spanDays < Week.Days - 1 / 24.0)
            return new(WindowScheme.Hourly(), (int)spanDays, 0, 0, null,
                string.Format(CultureInfo.InvariantCulture, "hourly: the history spans {0:0.#} day(s), less than a week, so a weekly pattern cannot be seen", spanDays));
        var firstDay = (long)Math.Floor(first / 86400.0);
        var days = (int)Math.Min(int.MaxValue, (long)Math.Floor(last / 86400.0) - firstDay + 1);
        // The arrays hold only the days that have samples: one sample dated 9999 beside a week of 2026 made the span
        // 2.9 million days, and arrays of that length per VM took 23 s and 2 GB for a 12-VM dataset. A day without
        // samples is never whole, so leaving it out changes no error.
        var (dayNumbers, dayIndex) = SampledDays(history);
        var n = dayNumbers.Length;

        // mean CPU per VM, day and hour; NaN where the VM was not sampled in that hour
        double hourlyError = 0, kindError = 0, weekdayError = 0;
        // Two weeks of sampled days, not of span: a stray sample years away must not ask for a same-weekday history
        // no day has (every day was then left unscored, and the errors of 0 chose the weekly scheme).
        var weeks = n >= 2 * Week.Days;
        var scored = 0;
        foreach (var series in history.Usage)
        {
            var sums = new double[n * 24];
            var counts = new int[n * 24];
            long lastDay = long.MinValue;
            var d0 = 0;
            for (var s = 0; s < series.Count; s++)
            {
                var day = (long)Math.Floor(series.UnixSeconds[s] / 86400.0);
                if (day != lastDay) d0 = dayIndex[lastDay = day];
                var k = d0 * 24 + (int)(((series.UnixSeconds[s] % 86400) + 86400) % 86400 / 3600);
                sums[k] += series.CpuCores[s];
                counts[k]++;
            }
            var mean = new double[n * 24];
            var whole = new bool[n];
            for (var d = 0; d < n; d++)
            {
                var covered = 0;
                for (var h = 0; h < 24; h++)
                {
                    var k = d * 24 + h;
                    mean[k] = counts[k] > 0 ? sums[k] / counts[k] : double.NaN;
                    if (counts[k] > 0) covered++;
                }
                whole[d] = covered >= MinHoursPerDay;
            }
            var dayOfWeek = dayNumbers.Select(day => Week.DayOf(day * 86400)).ToArray();
            for (var d = 0; d < n; d++)
            {
                if (!whole[d]) continue;
                var weekend = dayOfWeek[d] >= 5;
                for (var h = 0; h < 24; h++)
                {
                    var x = mean[d * 24 + h];
                    if (double.IsNaN(x)) continue;
                    double all = 0, kind = 0, same = 0;
                    int nAll = 0, nKind = 0, nSame = 0;
                    for (var o = 0; o < n; o++)
                    {
                        if (o == d || !whole[o] || double.IsNaN(mean[o * 24 + h])) continue;
                        var y = mean[o * 24 + h];
                        all += y; nAll++;
                        if (dayOfWeek[o] >= 5 == weekend) { kind += y; nKind++; }
                        if (dayOfWeek[o] == dayOfWeek[d]) { same += y; nSame++; }
                    }
                    // A day is scored only where every model has something to predict it with.
                    if (nAll == 0 || nKind == 0 || (weeks && nSame == 0)) continue;
                    scored++;
                    hourlyError += Math.Abs(x - all / nAll);
                    kindError += Math.Abs(x - kind / nKind);
                    if (weeks) weekdayError += Math.Abs(x - same / nSame);
                }
            }
        }

        if (scored == 0)
            return new(WindowScheme.Hourly(), days, 0, 0, null,
                "hourly: no whole day of the history can be predicted from other whole days, so a weekly pattern cannot be seen");
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var errors = $"leave-one-day-out error {F(hourlyError)} core-hours predicting each hour from all days, {F(kindError)} from days of the same kind"
            + (weeks ? $", {F(weekdayError)} from the same day of other weeks" : "");
        var kindWins = kindError <= (1 - RequiredGain) * hourlyError;
        if (weeks && weekdayError <= (1 - RequiredGain) * Math.Min(hourlyError, kindError))
            return new(WindowScheme.Weekly(), days, hourlyError, kindError, weekdayError, $"weekly (7 x 24): {errors}");
        if (kindWins)
            return new(WindowScheme.WeekdayWeekend(), days, hourlyError, kindError, weeks ? weekdayError : null, $"weekday-weekend (2 x 24): {errors}");
        return new(WindowScheme.Hourly(), days, hourlyError, kindError, weeks ? weekdayError : null,
            $"hourly: no weekly pattern ({errors}; a weekly scheme needs {RequiredGain:0%} less)");
    }

    /// <summary>The UTC day numbers (days since 1970-01-01) on which any VM has a sample, in order, and each one's index.</summary>
    private static (long[] Days, Dictionary<long, int> Index) SampledDays(Dataset data)
    {
        var set = new HashSet<long>();
        foreach (var series in data.Usage)
        {
            var previous = long.MinValue;
            for (var s = 0; s < series.Count; s++)
            {
                var day = (long)Math.Floor(series.UnixSeconds[s] / 86400.0);
                if (day != previous) set.Add(previous = day);
            }
        }
        var days = set.Order().ToArray();
        var index = new Dictionary<long, int>(days.Length);
        for (var i = 0; i < days.Length; i++) index[days[i]] = i;
        return (days, index);
    }

    private static (long First, long Last) Span(Dataset data)
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (var s in data.Usage)
            if (s.Count > 0)
            {
                first = Math.Min(first, s.UnixSeconds[0]);
                last = Math.Max(last, s.UnixSeconds[^1]);
            }
        return (first, last);
    }
}
