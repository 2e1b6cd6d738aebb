using System.Globalization;
using System.Net;
using System.Text;
using Consolidator.Plots;

namespace Consolidator.Reporting;

/// <summary>Building blocks of the self-contained HTML reports: one file, no scripts, no external links;
/// images are embedded as data URIs so the report opens offline.</summary>
internal static class Html
{
    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static string N(double x, string format = "0.##") => x.ToString(format, CultureInfo.InvariantCulture);

    public static void Open(StringBuilder s, string title)
    {
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}\n")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}\n")
            .Append("th{background:#f0f0f0}td.l,th.l{text-align:left}tr.hi{background:#fff3e0;font-weight:bold}\n")
            .Append(".headline{font-size:1.4em}.risk{color:#b00020}.ok{color:#1b5e20}img{max-width:100%}\n")
            .Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n");
    }

    public static string Close(StringBuilder s) => s.Append("</body>\n</html>\n").ToString();

    public static void Figure(StringBuilder s, Figure f) =>
        s.Append("<figure><img alt=\"").Append(E(f.Title)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(f.Png))
            .Append("\"><figcaption>").Append(E(f.Title)).Append("</figcaption></figure>\n");

    /// <summary>A table; the first column is left-aligned (names), the rest right-aligned (figures).</summary>
    public static void Table(StringBuilder s, string[] header, IEnumerable<string[]> rows, Func<int, bool>? highlight = null)
    {
        s.Append("<table>\n<tr>");
        for (var c = 0; c < header.Length; c++) s.Append(c == 0 ? "<th class=\"l\">" : "<th>").Append(E(header[c])).Append("</th>");
        s.Append("</tr>\n");
        var i = 0;
        foreach (var row in rows)
        {
            s.Append(highlight?.Invoke(i) == true ? "<tr class=\"hi\">" : "<tr>");
            for (var c = 0; c < row.Length; c++) s.Append(c == 0 ? "<td class=\"l\">" : "<td>").Append(E(row[c])).Append("</td>");
            s.Append("</tr>\n");
            i++;
        }
        s.Append("</table>\n");
    }
}
