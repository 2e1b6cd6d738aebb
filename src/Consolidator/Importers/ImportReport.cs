using System.Collections.Immutable;

namespace Consolidator.Importers;

/// <summary>A source row the importer could not use: where it is and what is wrong with it.</summary>
public sealed record BadRow(string File, int Line, string Problem)
{
    public override string ToString() => $"{Quoted.Path(File)}:{Line}: {Problem}";
}

/// <summary>What an import did. Every rejected row is counted in <see cref="BadRowCount"/>; the first
/// <see cref="ImportLog.MaxListed"/> are listed with file and line. <see cref="Notes"/> count what the
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
