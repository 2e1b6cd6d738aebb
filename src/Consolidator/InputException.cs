namespace Consolidator;

/// <summary>Bad input, located: the file, the 1-based line, the column (name and 1-based number, when the
/// problem is in one field) and the offending value.</summary>
public sealed class InputException : Exception
{
    public InputException(string file, int line, string? column, int columnNumber, string? value, string problem)
        : base(Format(file, line, column, columnNumber, value, problem))
    {
        File = file;
        Line = line;
        Column = column;
        ColumnNumber = columnNumber;
        Value = value;
        Problem = problem;
    }

    public string File { get; }
    public int Line { get; }
    public string? Column { get; }
    public int ColumnNumber { get; }
    public string? Value { get; }
    public string Problem { get; }

    private static string Format(string file, int line, string? column, int columnNumber, string? value, string problem)
    {
        var where = line > 0 ? $"{file}:{line}" : file;
        if (column is not null) where += $", column {columnNumber} '{column}'";
        var what = value is null ? problem : $"{problem} (value '{value}')";
        return $"{where}: {what}";
    }
}
