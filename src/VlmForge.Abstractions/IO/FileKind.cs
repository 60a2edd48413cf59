namespace VlmForge.Abstractions.IO;

/// <summary>What a path names, asked before anything opens it.</summary>
public enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file (or a link to one).</summary>
    File,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A FIFO, a device, a socket: reading it can block forever or never end.</summary>
    Special,
}

/// <summary>Tells files, folders and special files apart, so a loader can refuse a FIFO or a device instead of hanging on it.</summary>
public static class FileKinds
{
    private const int RegularFile = 0x8000;
    private const int Folder = 0x4000;

    /// <summary>What <paramref name="path"/> is. Paths that are not valid (a NUL inside) are <see cref="FileKind.Missing"/>.</summary>
    public static FileKind Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0')) return FileKind.Missing;
        if (System.IO.Directory.Exists(path)) return FileKind.Directory;
        if (!System.IO.File.Exists(path)) return FileKind.Missing;
        return NativeFileSystem.ModeType(path) switch
        {
            null or RegularFile => FileKind.File,
            Folder => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as a file (missing, a folder, a FIFO or device), or null when it is a
    /// regular file. The sentence starts with the path.
    /// </summary>
    public static string? WhyNotAFile(string path) => Of(path) switch
    {
        FileKind.File => null,
        FileKind.Missing => $"{path} does not exist",
        FileKind.Directory => $"{path} is a folder, not a file",
        _ => $"{path} is not a regular file (a FIFO, device or socket), which could block or never end when read",
    };
}
