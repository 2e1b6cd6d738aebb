using System.Globalization;
using System.Reflection;
using Consolidator.Plots;
using HandlebarsDotNet;

namespace Consolidator.Reporting;

/// <summary>The self-contained HTML reports, rendered from Handlebars templates embedded in the library
/// (Reporting/Templates): one file, no scripts, no external links, images embedded as data URIs so that a report
/// opens offline. Every value goes in through <c>{{...}}</c>, which HTML-encodes it; the templates use no raw
/// substitution at all.</summary>
internal static class Html
{
    private static readonly IHandlebars Engine = Create();

    public static readonly HandlebarsTemplate<object, object> PlanReport = Engine.Compile(Template("plan-report"));
    public static readonly HandlebarsTemplate<object, object> SweepReport = Engine.Compile(Template("sweep-report"));

    public static string N(double x, string format = "0.##") => x.ToString(format, CultureInfo.InvariantCulture);

    private static IHandlebars Create()
    {
        var engine = Handlebars.Create(new HandlebarsConfiguration { TextEncoder = new VisibleHtmlEncoder() });
        foreach (var partial in new[] { "page-head", "table", "figures" }) engine.RegisterTemplate(partial, Template(partial));
        return engine;
    }

    private static string Template(string name)
    {
        using var stream = typeof(Html).Assembly.GetManifestResourceStream($"Consolidator.Reporting.Templates.{name}.html")
            ?? throw new InvalidOperationException($"the report template {name}.html is not embedded in the library");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Handlebars' HTML encoding, after writing each character that <see cref="Quoted"/> escapes in a message as
/// that message does (<c>\u202e</c>, <c>\n</c>): control characters and the invisible formatting ones. Markup is
/// encoded either way, but a bidirectional override reorders the text after it as the browser shows it: a dataset folder
/// named with U+202E showed the report's footer, the dataset and the command line that made the report, reversed from
/// that character on. Ids cannot hold one (<see cref="Ids.Problem"/>); paths, the command line and a dataset's name can.</summary>
internal sealed class VisibleHtmlEncoder : ITextEncoder
{
    private readonly HtmlEncoder _html = new();

    public void Encode(System.Text.StringBuilder? text, TextWriter target) => Encode(text?.ToString(), target);

    public void Encode(string? text, TextWriter target) => _html.Encode(Visible(text), target);

    public void Encode<T>(T? text, TextWriter target) where T : IEnumerator<char>
    {
        if (text is null) return;
        var s = new System.Text.StringBuilder();
        while (text.MoveNext()) s.Append(text.Current);
        Encode(s.ToString(), target);
    }

    private static string? Visible(string? text)
    {
        if (text is null) return null;
        foreach (var c in text)
            if (Quoted.NeedsEscape(c)) return Quoted.Escape(text, int.MaxValue);
        return text;
    }
}

/// <summary>A table as the templates draw it: the first column left-aligned (names), the rest right-aligned
/// (figures); highlighted rows in bold.</summary>
internal sealed record HtmlTable(IReadOnlyList<string> Header, IReadOnlyList<HtmlRow> Rows)
{
    public static HtmlTable Of(string[] header, IEnumerable<string[]> rows, Func<int, bool>? highlight = null) =>
        new(header, [.. rows.Select((cells, i) => new HtmlRow(cells, highlight?.Invoke(i) == true))]);
}

internal sealed record HtmlRow(IReadOnlyList<string> Cells, bool Highlight);

/// <summary>A plot embedded as a PNG data URI.</summary>
internal sealed record HtmlFigure(string Title, string Base64)
{
    public static HtmlFigure Of(Figure f) => new(f.Title, Convert.ToBase64String(f.Png));
}
