namespace Consolidator;

/// <summary>Bad input, located: the file, the 1-based line, the column (name and 1-based number, when the
/// problem is in one field) and the offending value. The message is one line: the path, the column name and
/// the value are escaped and bounded by <see cref="Quoted"/> (a 10 MiB value is quoted as its first 80
/// characters and its length); the problem is the reader's own words, and a reader that puts
/// input into it quotes that through <see cref="Quoted"/> too.</summary>
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

    /// <summary>Where a problem is, as every located message starts: "path:line, column N 'name'" (the line left out when
    /// 0, the column when null, its number when 0), escaped.</summary>
    public static string Location(string file, int line, string? column, int columnNumber)
    {
        var path = Quoted.Path(file);
        var where = line > 0 ? $"{path}:{line}" : path;
        // A missing column has no number (0): it is named alone rather than as "column 0".
        if (column is not null)
            where += columnNumber > 0 ? $", column {columnNumber} '{Quoted.Value(column)}'" : $", column '{Quoted.Value(column)}'";
        return where;
    }

    /// <summary>The problem and the offending value, as every located message ends, escaped and bounded.</summary>
    public static string Description(string? value, string problem) =>
        Quoted.Escape(value is null ? problem : $"{problem} (value '{Quoted.Value(value)}')", 1000);

    private static string Format(string file, int line, string? column, int columnNumber, string? value, string problem) =>
        $"{Location(file, line, column, columnNumber)}: {Description(value, problem)}";
}
