using System.Collections.Immutable;
using Consolidator.Datasets;

namespace Consolidator.Importers;

/// <summary>The formats tools try on a folder, in order; a new importer joins this list.</summary>
public static class DatasetImporters
{
    public static readonly ImmutableArray<IDatasetImporter> All =
        [new NativeDatasetImporter(), new PlanetLabTraceImporter(), new BitbrainsTraceImporter()];
}
