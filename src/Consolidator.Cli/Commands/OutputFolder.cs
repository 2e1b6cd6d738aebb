namespace Consolidator.Cli.Commands;

/// <summary>Writes a set of files all or nothing: each goes to a temp file first, and only when every one
/// is written are they moved into place.</summary>
internal static class OutputFolder
{
    public static void WriteAll(string dir, params (string Name, Action<TextWriter> Write)[] files)
    {
        Directory.CreateDirectory(dir);
        var temps = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, write) in files)
            {
                var final = Path.Combine(dir, name);
                var temp = Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp");
                temps.Add((temp, final));
                using (var writer = new StreamWriter(temp, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
                    write(writer);
            }
            foreach (var (temp, final) in temps) File.Move(temp, final, overwrite: true);
        }
        finally
        {
            foreach (var (temp, _) in temps) if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
