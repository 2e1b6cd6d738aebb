namespace Consolidator.Cli.Commands;

/// <summary>Writes a set of files all or nothing: each goes to a temp file first, and only when every one
/// is written are they moved into place.</summary>
internal static class OutputFolder
{
    public static void WriteAll(string dir, params (string Name, Action<TextWriter> Write)[] files) =>
        WriteAll(dir, files, []);

    /// <param name="binaries">Files written as given bytes (images).</param>
    public static void WriteAll(string dir, IReadOnlyList<(string Name, Action<TextWriter> Write)> texts, IReadOnlyList<(string Name, byte[] Bytes)> binaries)
    {
        Directory.CreateDirectory(dir);
        var temps = new List<(string Temp, string Final)>();
        string Temp(string name)
        {
            var final = Path.Combine(dir, name);
            var temp = Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp");
            temps.Add((temp, final));
            return temp;
        }
        try
        {
            foreach (var (name, write) in texts)
            {
                using var writer = new StreamWriter(Temp(name), false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
                write(writer);
            }
            foreach (var (name, bytes) in binaries) File.WriteAllBytes(Temp(name), bytes);
            foreach (var (temp, final) in temps) File.Move(temp, final, overwrite: true);
        }
        finally
        {
            foreach (var (temp, _) in temps) if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
