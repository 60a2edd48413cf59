using System.Diagnostics;

namespace VlmForge.Settings.Tests.Reliability;

/// <summary>A FIFO, a folder named like a file, and the devices a path can name instead of a regular file.</summary>
internal static class SpecialFiles
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("vlmforge-special-").FullName;
        Mkfifo(Path.Combine(folder, "fifo.jsonl"));
        var fifoData = Directory.CreateDirectory(Path.Combine(folder, "fifo-data")).FullName;
        Mkfifo(Path.Combine(fifoData, "train.jsonl"));
        Directory.CreateDirectory(Path.Combine(folder, "folder.jsonl"));
        Directory.CreateDirectory(Path.Combine(folder, "folder.toml"));
        return folder;
    });

    public static string Root => Folder.Value;
    public static string Fifo => Path.Combine(Root, "fifo.jsonl");
    public static string FolderHoldingAFifo => Path.Combine(Root, "fifo-data");
    public static string FolderNamedLikeAFile => Path.Combine(Root, "folder.jsonl");

    public static IReadOnlyList<string> All =>
        [Fifo, FolderHoldingAFifo, FolderNamedLikeAFile, Path.Combine(Root, "folder.toml"), "/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/mem"];

    /// <summary>Runs <paramref name="body"/> on its own thread and fails the test when it is still running after 20 s.</summary>
    public static T Within<T>(Func<T> body, string what)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), $"{what} hung");
        if (error is not null) throw new Xunit.Sdk.XunitException($"{what} threw {error}");
        return result;
    }

    private static void Mkfifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("mkfifo did not start");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"mkfifo {path} failed ({process.ExitCode})");
    }
}
