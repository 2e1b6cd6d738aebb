namespace Consolidator.Tests.Evaluation;

/// <summary>The forms <see cref="IsoTime"/> accepts, and what they mean: a time without an offset is UTC.</summary>
public class IsoTimeTests
{
    [Theory]
    [InlineData("2026-01-05", "2026-01-05T00:00:00Z")]
    [InlineData("2026-01-05T10:30", "2026-01-05T10:30:00Z")]
    [InlineData("2026-01-05T10:30:15Z", "2026-01-05T10:30:15Z")]
    [InlineData("2026-01-05T10:30:15.5Z", "2026-01-05T10:30:15.5Z")]
    [InlineData("2026-01-05T11:30:15+01:00", "2026-01-05T10:30:15Z")]
    [InlineData("2026-01-05T09:30:15-01:00", "2026-01-05T10:30:15Z")]
    public void An_iso_8601_time_is_read_as_that_instant(string text, string utc)
    {
        Assert.True(IsoTime.TryParse(text, out var t));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), t);
        Assert.Equal(TimeSpan.Zero, t.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12:00")]
    [InlineData("1/5/2026")]
    [InlineData("Jan 5 2026")]
    [InlineData("Mon, 05 Jan 2026 00:00:00 GMT")]
    [InlineData("2026-01-05 10:30")]
    [InlineData("2026-01-05T10")]
    [InlineData("2026-01-05T24:00Z")]
    [InlineData("2026-13-01")]
    [InlineData(" 2026-01-05")]
    [InlineData("\u0662\u0660\u0662\u0666-01-05")]
    public void Anything_else_is_refused(string text) => Assert.False(IsoTime.TryParse(text, out _));
}
