using Consolidator.Reporting;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Reads a plan.json from disk for the dataset it was made for (see <see cref="PlanJsonReader"/>).</summary>
public static class PlanFileReader
{
    public static PlanFile Read(string path, Dataset dataset)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new InputException(path, 0, null, 0, null, "plan file not found");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, null, 0, null, $"cannot read the file: {e.Message}");
        }
        return PlanJsonReader.Parse(bytes, path, dataset);
    }
}
