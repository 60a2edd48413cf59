using System.Runtime.InteropServices;
using System.Text;

namespace VlmForge.Abstractions.IO;

/// <summary>
/// The two POSIX calls .NET does not expose: the type of a file before it is opened (opening a FIFO for reading blocks
/// until a writer comes) and fsync of a folder (what makes a rename durable). Linux and macOS; elsewhere the answers
/// are "unknown" and "nothing to do".
/// </summary>
internal static class NativeFileSystem
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;   // struct statx is the same on every Linux architecture
    private const int ModeTypeMask = 0xF000;

    /// <summary>The S_IFMT bits of <paramref name="path"/> (symbolic links followed), or null when they cannot be asked for.</summary>
    public static int? ModeType(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        try
        {
            if (statx(AtFdCwd, Utf8(path), 0, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;   // a libc without statx (glibc before 2.28, musl before 1.2.5): treat as unknown
        }
        return BitConverter.ToUInt16(buffer, StatxModeOffset) & ModeTypeMask;
    }

    /// <summary>fsync of a folder, so a rename or a new entry inside it survives a power loss.</summary>
    public static void SyncDirectory(string folder)
    {
        if (OperatingSystem.IsWindows()) return;   // NTFS journals its metadata; a folder cannot be flushed from .NET there
        int descriptor;
        try
        {
            descriptor = open(Utf8(folder), 0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return;
        }
        if (descriptor < 0)
            throw new IOException($"cannot open the folder {folder} to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (fsync(descriptor) != 0)
                throw new IOException($"cannot flush the folder {folder} to disk (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = close(descriptor);
        }
    }

    private static byte[] Utf8(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

#pragma warning disable SYSLIB1054, CA5392 // byte[] arguments are blittable; no marshalling code to generate
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int descriptor);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
#pragma warning restore SYSLIB1054, CA5392
}
