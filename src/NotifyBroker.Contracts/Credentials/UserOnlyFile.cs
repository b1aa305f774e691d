namespace NotifyBroker.Contracts.Credentials;

/// <summary>
/// Files only the current user may read: the credentials file and the broker's key store. On Unix the folder is
/// made 0700 and the file 0600 (tightened too when it existed before); on Windows the profile's folders are the
/// user's alone by inheritance.
/// </summary>
public static class UserOnlyFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates or truncates <paramref name="path"/> (and its folder) for writing by the current user only.</summary>
    public static FileStream Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return new FileStream(path, options);
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        options.UnixCreateMode = FileMode;
        var stream = new FileStream(path, options);

        // UnixCreateMode applies only when the file is new: tighten a file that existed before, before writing to it.
        File.SetUnixFileMode(path, FileMode);
        return stream;
    }
}
