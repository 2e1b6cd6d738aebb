namespace Consolidator.Output;

internal static class Processes
{
    /// <summary>Whether a process with this id runs. An id reused by another process reads as alive: its
    /// leftovers then wait for a later run, which is harmless.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
