using Consolidator.Reporting;
using Consolidator.Traces;

namespace Consolidator.Datasets;

/// <summary>Reads the dataset a plan.json was made from, for `export`'s check of the plan: where its <c>dataset</c> field
/// says (a folder relative to the plan's), or where the user says it is now, and only when its files are still the ones
/// planned from (<see cref="Dataset.Fingerprint"/>). A plan checked against a dataset that changed since would be checked
/// against demand it was not sized for; one that cannot be found is not checked at all. Either is refused, located in
/// plan.json, and the user chooses: plan again, name the folder, or write the script unchecked.</summary>
public static class PlanDataset
{
    /// <summary>Whether <paramref name="data"/> (read with its fingerprint) is other than the dataset the plan records: false
    /// when it is, or when the plan records none (written by hand or before plans recorded it).</summary>
    public static bool IsOther(byte[] planUtf8, string planPath, Dataset data) =>
        PlanJsonReader.Read(new JsonInput(planUtf8, planPath)).Dataset?.Fingerprint is { } planned && planned != data.Fingerprint;

    /// <param name="datasetDir">The folder the user named (export --dataset), or null: the one the plan records.</param>
    public static Dataset Read(byte[] planUtf8, string planPath, string? datasetDir)
    {
        var doc = new JsonInput(planUtf8, planPath);
        var recorded = PlanJsonReader.Read(doc).Dataset;
        var dir = datasetDir;
        if (dir is null)
        {
            if (recorded is null)
                throw doc.Error("$.dataset", "the plan does not record the dataset it was made from (written by hand, or before plans recorded it): "
                    + "give --dataset DATASET_DIR to check it against that dataset, or --unchecked to write the script unchecked");
            var relative = doc.Need(recorded.Path, "$.dataset.path");
            dir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planPath))!, relative));
            // A folder with no hosts.csv is no dataset: a path edited to "/etc" or "" (the plan's own folder) was read as
            // one, and the error ("/etc/hosts.csv: file not found") did not name plan.json.
            if (!Directory.Exists(dir) || !File.Exists(Path.Combine(dir, DatasetReader.HostsFile)))
                throw doc.Error("$.dataset.path", $"the dataset the plan was made from is not at '{Quoted.Path(dir)}'"
                    + (Directory.Exists(dir) ? $" (no {DatasetReader.HostsFile} there)" : " any more")
                    + ": give --dataset DATASET_DIR where it is now, or --unchecked to write the script unchecked");
        }
        var data = DatasetReader.Read(dir, fingerprint: true);
        if (recorded?.Fingerprint is { } planned && planned != data.Fingerprint)
            throw doc.Error("$.dataset.fingerprint", $"'{Quoted.Path(dir)}' is not the dataset the plan was made from: its files changed since, "
                + "or it is another one; plan again on it, or give --unchecked to write the script unchecked");
        return data;
    }
}
