using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Presets;

namespace VlmForge.Models.Tests.Presets;

public class ModelPresetTests
{
    [Theory]
    [InlineData("qwen2_5_vl", "small", "Qwen/Qwen2.5-VL-3B-Instruct")]
    [InlineData("qwen2_5_vl", "medium", "Qwen/Qwen2.5-VL-7B-Instruct")]
    [InlineData("qwen2_5_vl", "large", "Qwen/Qwen2.5-VL-32B-Instruct")]
    [InlineData("Qwen2.5-VL", "Medium", "Qwen/Qwen2.5-VL-7B-Instruct")]
    [InlineData("smolvlm", "small", "HuggingFaceTB/SmolVLM-Instruct")]
    public void Each_size_maps_to_a_released_checkpoint(string family, string size, string repository)
    {
        Assert.Equal(repository, ModelPresets.Find(family, size).Repository);
    }

    [Theory]
    [InlineData("medium", "7-13B")]
    [InlineData("large", "20-34B")]
    public void SmolVLM_has_no_medium_or_large_model_and_says_what_to_use(string size, string range)
    {
        var error = Assert.Throws<ModelPresetNotFoundException>(() => ModelPresets.Find("smolvlm", size));

        Assert.Contains($"no {size} smolvlm model ({range} parameters)", error.Message, StringComparison.Ordinal);
        Assert.Contains("SmolVLM-Instruct, 2.2B", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.size = \"small\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_families_and_sizes_and_the_tiny_model_are_refused_by_name()
    {
        Assert.Contains("llava", Assert.Throws<ModelPresetNotFoundException>(() => ModelPresets.Find("llava", "small")).Message, StringComparison.Ordinal);
        Assert.Contains("huge", Assert.Throws<ModelPresetNotFoundException>(() => ModelPresets.Find("qwen2_5_vl", "huge")).Message, StringComparison.Ordinal);
        // The tiny model has no config.json and no released checkpoints: neither its family nor its size has a preset.
        Assert.Contains("'tiny' is not a family that loads a Hugging Face config.json", Assert.Throws<ModelPresetNotFoundException>(() => ModelPresets.Find("tiny", "tiny")).Message, StringComparison.Ordinal);
        Assert.StartsWith("model.size \"tiny\" has no released checkpoint to plan from; presets come in small, medium, large.",
            Assert.Throws<ModelPresetNotFoundException>(() => ModelPresets.Find("qwen2_5_vl", "tiny")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_qwen_configs_carry_the_released_shapes()
    {
        var small = (Qwen25VlConfig)ModelPresets.Find(ModelFamilies.Qwen25Vl, "small").Config;
        var medium = (Qwen25VlConfig)ModelPresets.Find(ModelFamilies.Qwen25Vl, "medium").Config;
        var large = (Qwen25VlConfig)ModelPresets.Find(ModelFamilies.Qwen25Vl, "large").Config;

        Assert.True(small.TieWordEmbeddings);
        Assert.Equal((2048, 36, 16, 2, 151936), (small.Text.HiddenSize, small.Text.Layers, small.Text.Heads, small.Text.KeyValueHeads, small.Text.VocabSize));
        Assert.Equal((3584, 28, 28, 4, 18944), (medium.Text.HiddenSize, medium.Text.Layers, medium.Text.Heads, medium.Text.KeyValueHeads, medium.Text.IntermediateSize));
        Assert.Equal((5120, 64, 40, 8, 27648), (large.Text.HiddenSize, large.Text.Layers, large.Text.Heads, large.Text.KeyValueHeads, large.Text.IntermediateSize));
        Assert.Equal([16, 24, 24], medium.Text.MropeSection);
        Assert.Equal(1e-6, medium.Text.RmsNormEps);
        // The 32B config lists only part of its vision config; the rest takes transformers' defaults.
        Assert.Equal((32, 16, 3456, 5120), (large.Vision.Depth, large.Vision.Heads, large.Vision.IntermediateSize, large.Vision.OutHiddenSize));
        Assert.Equal([7, 15, 23, 31], large.Vision.FullAttentionBlocks);
        Assert.Equal((14, 2, 2, 112, 28), (medium.Vision.PatchSize, medium.Vision.TemporalPatchSize, medium.Vision.SpatialMergeSize, medium.Vision.WindowSize, medium.Vision.Factor));
    }

    [Fact]
    public void The_smolvlm_config_carries_the_released_shapes()
    {
        var config = (Idefics3Config)ModelPresets.Find(ModelFamilies.SmolVlm, "small").Config;

        Assert.Equal((2048, 24, 32, 32, 64, 49155), (config.Text.HiddenSize, config.Text.Layers, config.Text.Heads, config.Text.KeyValueHeads, config.Text.HeadDim, config.Text.VocabSize));
        Assert.Equal((1152, 27, 16, 384, 14, 3), (config.Vision.HiddenSize, config.Vision.Layers, config.Vision.Heads, config.Vision.ImageSize, config.Vision.PatchSize, config.ScaleFactor));
        Assert.Equal("gelu_pytorch_tanh", config.Vision.HiddenAct);
        Assert.Equal(49153, config.ImageTokenId);
        Assert.Equal(273768, config.Text.RopeTheta);
    }

    [Fact]
    public void A_newer_config_with_a_text_config_object_reads_the_decoder_from_it()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(ModelPresets.Find(ModelFamilies.Qwen25Vl, "medium").ConfigJson)!.AsObject();
        json["text_config"] = new System.Text.Json.Nodes.JsonObject
        {
            ["hidden_size"] = 3584, ["num_hidden_layers"] = 28, ["num_attention_heads"] = 28, ["num_key_value_heads"] = 4,
            ["intermediate_size"] = 18944, ["vocab_size"] = 152064, ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 1000000.0,
            ["rope_scaling"] = new System.Text.Json.Nodes.JsonObject { ["mrope_section"] = new System.Text.Json.Nodes.JsonArray(16, 24, 24), ["rope_type"] = "default" },
        };
        json["hidden_size"] = 1; // a stale top-level value must not win over text_config

        var config = (Qwen25VlConfig)ModelFamilies.ParseConfig(json.ToJsonString(), "config.json");

        Assert.Equal(3584, config.Text.HiddenSize);
    }
}
