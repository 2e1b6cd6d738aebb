using Consolidator.Reporting;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Reads a plan.json from disk for the dataset it was made for (see <see cref="PlanJsonReader"/>).</summary>
public static class PlanFileReader
{
    public static PlanFile Read(string path, Dataset dataset)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return PlanJsonReader.Parse(InputFiles.ReadAllBytes(path), path, dataset);
    }
}
