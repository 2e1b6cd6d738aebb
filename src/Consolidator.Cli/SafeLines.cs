using System.Text;

namespace Consolidator.Cli;

/// <summary>A writer that passes text on line by line with control characters escaped and each line cut to a
/// bound: for messages whose text others compose from the user's arguments (System.CommandLine's parse errors
/// quote the offending token whole), so that a 10 MiB argument or an escape sequence cannot reach the terminal.</summary>
internal sealed class SafeLines(TextWriter inner, int maxLine = 300) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            inner.Write(Quoted.Escape(_line.ToString().TrimEnd('\r'), maxLine) + "\n");
            _line.Clear();
        }
        else if (_line.Length <= maxLine * 2 + 16) _line.Append(value);
        else if (_line.Length == maxLine * 2 + 17) _line.Append('\u2026');
    }

    public override void Flush()
    {
        if (_line.Length > 0) Write('\n');
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }
}
