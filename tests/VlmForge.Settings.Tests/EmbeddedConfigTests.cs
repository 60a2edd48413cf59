using System.Security.Cryptography;
using VlmForge.Settings.Embedding;

namespace VlmForge.Settings.Tests;

/// <summary>This test assembly embeds the repository's vlmforge.toml through build/Settings.targets, as the CLI does.</summary>
public class EmbeddedConfigTests
{
    [Fact]
    public void The_build_embeds_the_config_and_records_its_sha256()
    {
        var embedded = EmbeddedConfig.Find(typeof(EmbeddedConfigTests).Assembly);

        Assert.NotNull(embedded);
        Assert.Equal("vlmforge.toml", embedded.FileName);
        var file = File.ReadAllBytes(Path.Combine(TestConfig.RepoRoot(), "vlmforge.toml"));
        Assert.Equal(file, embedded.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), embedded.Sha256);
    }

    [Fact]
    public void The_embedded_config_loads_and_its_result_carries_the_same_hash()
    {
        var embedded = EmbeddedConfig.Find(typeof(EmbeddedConfigTests).Assembly)!;

        var result = embedded.Load(baseDirectory: TestConfig.EmptyFolder);

        Assert.Empty(result.Errors);
        Assert.Equal(embedded.Sha256, result.Sha256);
        Assert.Equal("<embedded>/vlmforge.toml", result.FileName);
        Assert.Equal("tiny", result.Settings!.Model.Family);
    }

    [Fact]
    public void An_assembly_without_a_config_has_none()
    {
        Assert.Null(EmbeddedConfig.Find(typeof(WorkflowSettings).Assembly));
    }
}
