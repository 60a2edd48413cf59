namespace VlmForge.Abstractions.IO;

/// <summary>
/// The one way VlmForge writes a file that must survive a crash or a power loss: a temporary file in the same folder,
/// flushed to disk, renamed over the target, then the folder flushed so the rename itself is on disk. A reader sees
/// the old file or the whole new one, never half of one.
/// </summary>
public static class DurableFile
{
    /// <summary>Temporary files start with this, so a folder's leftovers from a crash can be recognized.</summary>
    public const string TemporaryPrefix = ".tmp-";

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> durably; the folder is created when missing.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{TemporaryPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        SyncFolder(folder);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) durably.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
    }

    /// <summary>Writes <paramref name="bytes"/> durably.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Publishes a folder built under a temporary name: its files and the folder are flushed, then it is renamed to
    /// <paramref name="final"/> (replacing one that is there) and the parent is flushed.
    /// </summary>
    public static void PublishFolder(string temporary, string final)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(temporary);
        ArgumentException.ThrowIfNullOrWhiteSpace(final);
        foreach (var file in Directory.EnumerateFiles(temporary, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            stream.Flush(flushToDisk: true);
        }
        SyncFolder(temporary);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temporary, final);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(final))!);
    }

    /// <summary>Flushes a folder's entries (new names, renames, deletions) to disk.</summary>
    public static void SyncFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        NativeFileSystem.SyncDirectory(folder);
    }
}
