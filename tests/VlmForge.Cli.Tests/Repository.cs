namespace VlmForge.Cli.Tests;

/// <summary>The repository these tests were built from.</summary>
internal static class Repository
{
    /// <summary>The folder holding VlmForge.sln, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }
}
