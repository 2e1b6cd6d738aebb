using System.Runtime.InteropServices;

namespace Consolidator;

/// <summary>What an operating-system failure was, in its own words ("No space left on device",
/// "Read-only file system"), without the .NET wording around it, so that a message can name the path the
/// user knows instead of the temporary one the failing call used.</summary>
public static class IoFailure
{
    public static string Reason(Exception e)
    {
        // On Unix .NET keeps the errno in HResult for plain IOExceptions.
        if (e is IOException && e.GetType() == typeof(IOException) && e.HResult is > 0 and < 4096 && !OperatingSystem.IsWindows())
            return Marshal.GetPInvokeErrorMessage(e.HResult);
        return e switch
        {
            ArgumentOutOfRangeException => "File too large (beyond the file system's or the process's file-size limit)",
            UnauthorizedAccessException => "permission denied",
            FileNotFoundException or DirectoryNotFoundException => "not found",
            PathTooLongException => "the path is too long",
            _ => e.Message,
        };
    }

    /// <summary>Whether <paramref name="e"/> is a failure of the file system rather than a bug.</summary>
    public static bool IsIo(Exception e) => e is IOException or UnauthorizedAccessException || IsFileTooLarge(e);

    /// <summary>.NET reports EFBIG (a write past the file-size limit, <c>ulimit -f</c>) as an
    /// ArgumentOutOfRangeException thrown by System.IO itself, not as an IOException.</summary>
    private static bool IsFileTooLarge(Exception e) =>
        e is ArgumentOutOfRangeException { ParamName: "value" } && e.TargetSite?.DeclaringType?.Namespace == "System.IO";
}
