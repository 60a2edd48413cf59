using VlmForge.Engine.Pipeline;

namespace VlmForge.Engine.Tests.Surface;

/// <summary>
/// The engine's public types are what the CLI and a host that registers a model family use; everything else is internal
/// (the tests, benchmarks reach it through InternalsVisibleTo). PublicSurface.txt lists them, so the surface cannot grow
/// (or shrink) without a reviewed edit of that file.
/// </summary>
public sealed class PublicSurfaceTests
{
    private const string ListFile = "Surface/PublicSurface.txt";

    [Fact]
    public void The_public_types_of_the_engine_are_exactly_the_checked_in_list()
    {
        var actual = typeof(WorkflowException).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, ListFile))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        var added = actual.Except(expected, StringComparer.Ordinal).ToList();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"The engine's public types differ from tests/VlmForge.Engine.Tests/{ListFile}. " +
            $"Newly public (make them internal unless the CLI or an outside family needs them, then add them to the list): [{string.Join(", ", added)}]. " +
            $"No longer public (remove them from the list): [{string.Join(", ", removed)}].");
    }
}
