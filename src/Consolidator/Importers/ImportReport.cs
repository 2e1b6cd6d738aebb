using System.Collections.Immutable;

namespace Consolidator.Importers;

/// <summary>A source row the importer could not use: where it is (the file, the line, and the column when the problem is
/// in one field: its header name, or null, and its 1-based number, or 0) and what is wrong with it. Printed as
/// <c>--strict</c> would fail on it (<see cref="InputException"/>'s form).</summary>
public sealed record BadRow(string File, int Line, string? Column, int ColumnNumber, string Problem)
{
    public override string ToString() => $"{InputException.Location(File, Line, Column, ColumnNumber)}: {Problem}";
}

/// <summary>What an import did. Every rejected row is counted in <see cref="BadRowCount"/>; the first
/// <see cref="ImportLog.MaxListed"/> are listed with file, line and column. <see cref="Notes"/> count what the
/// source does that is legal but worth knowing (quirks survived); <see cref="Assumptions"/> say what the
/// importer supplied that the source lacks.</summary>
public sealed record ImportReport(
    string Format,
    int Vms,
    int Hosts,
    int PlacedVms,
    long Rows,
    long BadRowCount,
    ImmutableArray<BadRow> BadRows,
    ImmutableArray<string> Notes,
    ImmutableArray<string> Assumptions);
