using VlmForge.Engine.Families.SmolVlm;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Families;
using VlmForge.Models.Presets;

namespace VlmForge.Engine.Tests.Families;

/// <summary>How SmolVLM's preprocessor_config.json turns image splitting on, with the processor's defaults and limits.</summary>
public sealed class SmolVlmSplittingConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-smol-processor-").FullName;
    private readonly IFamilyConfig _config = ModelPresets.Find(ModelFamilies.SmolVlm, "small").Config; // encoder 384 px

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string? Read(string? processorConfig)
    {
        var file = Path.Combine(_dir, FamilySnapshot.PreprocessorConfigFileName);
        if (processorConfig is null) File.Delete(file);
        else File.WriteAllText(file, processorConfig);
        return new SmolVlmFamily().ReadSplitting(_config, _dir, "models/smol")?.Name;
    }

    [Fact]
    public void Splitting_is_on_by_the_processor_config_with_the_reference_defaults()
    {
        Assert.Null(Read(null)); // no processor config: one global image, as before splitting existed
        Assert.Equal("split-384 (longest_edge 1536)", Read("{}")); // do_image_splitting defaults to true; 4 tiles
        Assert.Equal("split-384 (longest_edge 1536)",
            Read("""{ "do_image_splitting": true, "size": { "longest_edge": 1536 }, "max_image_size": { "longest_edge": 384 } }"""));
        Assert.Equal("split-384 (longest_edge 768)", Read("""{ "size": { "longest_edge": 768 } }"""));
        Assert.Equal("split-384 (no resize)", Read("""{ "do_resize": false }"""));
        Assert.Null(Read("""{ "do_image_splitting": false }"""));
    }

    [Fact]
    public void Tiles_the_encoder_cannot_take_and_invalid_files_are_refused_naming_the_snapshot()
    {
        var tile = Assert.Throws<WorkflowException>(() => Read("""{ "max_image_size": { "longest_edge": 364 } }"""));
        Assert.Contains("model.path = \"models/smol\"", tile.Message, StringComparison.Ordinal);
        Assert.Contains("set max_image_size.longest_edge to 384", tile.Message, StringComparison.Ordinal);

        var edge = Assert.Throws<WorkflowException>(() => Read("""{ "size": { "longest_edge": 4096 } }"""));
        Assert.Contains("1..1820", edge.Message, StringComparison.Ordinal);

        var broken = Assert.Throws<WorkflowException>(() => Read("{ not json"));
        Assert.Contains("is not a valid processor config", broken.Message, StringComparison.Ordinal);
    }
}
