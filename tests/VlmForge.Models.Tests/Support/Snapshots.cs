using Snapshooter;
using Snapshooter.Xunit;

namespace VlmForge.Models.Tests.Support;

/// <summary>
/// Snapshot matching against files committed under <c>__snapshots__</c> in this project's source folder. The folder is
/// found from the test binary (the build maps source paths to /_/, so Snapshooter cannot find it from the stack), and
/// under CI a missing snapshot fails instead of being written.
/// </summary>
internal static class Snapshots
{
    public static void Match(object value, string name)
    {
        // Snapshooter keeps snapshots in a __snapshots__ folder under the folder it is given.
        var project = ProjectFolder();
        var folder = Path.Combine(project, "__snapshots__");
        var fileName = name + ".snap";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.True(
                File.Exists(Path.Combine(folder, fileName)),
                $"The snapshot {fileName} is missing from {folder}; run the tests locally and commit it.");
        }
        Snapshot.Match(value, new SnapshotFullName(fileName, project));
    }

    private static string ProjectFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VlmForge.Models.Tests.csproj")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No VlmForge.Models.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}
