using System.Text.Json.Nodes;
using VlmForge.Engine.Tests.Pipeline.FamilyRuns;

namespace VlmForge.Benchmarks.FamilyLearning;

/// <summary>
/// Random-init Qwen2.5-VL and SmolVLM snapshots in the Hugging Face layout, written by the tests' own writer
/// (<see cref="TinySnapshots"/>: config.json, model.safetensors with the real key names, tokenizer.json,
/// preprocessor_config.json), at sizes that can learn the shapes data on a CPU: 32 px images, 16 image tokens (patch 4)
/// or 4 (patch 8), a 2-layer decoder 64 wide. Qwen keeps its architecture's parts: a Conv3d patch embedding, window attention in block 0
/// and full attention in block 1, 2D rotary in the tower, the 2 x 2 patch merger and M-RoPE in the decoder. SmolVLM:
/// a SigLIP encoder with learned positions, the pixel-shuffle connector (scale factor 2) and a Llama decoder.
/// </summary>
internal static class LearningSnapshots
{
    /// <summary>The side of the images both snapshots see (render the data at this size).</summary>
    public const int ImageSide = 32;

    /// <summary>Writes the family's snapshot (<c>qwen</c> or <c>smol</c>) into <paramref name="folder"/>.</summary>
    public static string Write(string family, string folder, int seed, int imageTokens)
    {
        // Both towers merge 2 x 2 patches into one image token: 16 tokens from 4 px patches, 4 from 8 px ones.
        int patch = imageTokens switch
        {
            16 => 4,
            4 => 8,
            _ => throw new ArgumentException($"--image-tokens takes 16 or 4, got {imageTokens}.", nameof(imageTokens)),
        };
        return family switch
        {
            "qwen" => TinySnapshots.WriteQwen(folder, seed, resize: (ImageSide * ImageSide, ImageSide * ImageSide), json => Qwen(json, patch)),
            "smol" => TinySnapshots.WriteSmol(folder, seed, json => Smol(json, patch)),
            _ => throw new ArgumentException($"--family-snapshot takes qwen or smol, got '{family}'.", nameof(family)),
        };
    }

    /// <summary>
    /// Decoder 64 wide (4 heads of 16, 2 key/value heads, mrope_section [2, 3, 3] of head_dim / 2 = 8); tower 64 wide,
    /// merge 2, windows of 16 px (2 x 2 image tokens with patch 4, one with patch 8), block 1 of 2 with full attention.
    /// </summary>
    private static void Qwen(JsonObject json, int patch)
    {
        Decoder(json);
        json["rope_scaling"] = new JsonObject { ["type"] = "mrope", ["mrope_section"] = new JsonArray(2, 3, 3) };
        var vision = json["vision_config"]!.AsObject();
        vision["depth"] = 2;
        vision["hidden_size"] = 64;
        vision["intermediate_size"] = 128;
        vision["num_heads"] = 2;
        vision["out_hidden_size"] = 64;
        vision["patch_size"] = patch;
        vision["spatial_patch_size"] = patch;
        vision["window_size"] = 16;
        vision["fullatt_block_indexes"] = new JsonArray(1);
    }

    /// <summary>Llama decoder 64 wide (4 heads of 16, 2 key/value heads); SigLIP 64 wide on 32 px, scale factor 2 (pixel shuffle of 2 x 2 patches).</summary>
    private static void Smol(JsonObject json, int patch)
    {
        json["scale_factor"] = 2;
        var text = json["text_config"]!.AsObject();
        Decoder(text);
        text["head_dim"] = 16;
        var vision = json["vision_config"]!.AsObject();
        vision["hidden_size"] = 64;
        vision["intermediate_size"] = 128;
        vision["num_attention_heads"] = 2;
        vision["num_hidden_layers"] = 2;
        vision["image_size"] = ImageSide;
        vision["patch_size"] = patch;
    }

    /// <summary>Both decoders: 2 layers 64 wide, 4 attention heads sharing 2 key/value heads.</summary>
    private static void Decoder(JsonObject text)
    {
        text["hidden_size"] = 64;
        text["intermediate_size"] = 128;
        text["num_attention_heads"] = 4;
        text["num_key_value_heads"] = 2;
        text["num_hidden_layers"] = 2;
        text["max_position_embeddings"] = 512;
    }
}
