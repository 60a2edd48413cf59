using System.Text.Json.Serialization;

namespace VlmForge.Models.Peft;

/// <summary>
/// What a user of an exported adapter needs besides the weights, written as <c>vlmforge.json</c> beside them: how
/// images are sized and normalized, which chat template and image token the prompts use, and how boxes are written.
/// The engine fills it from the data conventions the run trained with.
/// </summary>
public sealed record AdapterUsage
{
    /// <summary>This file's format name.</summary>
    public const string FormatName = "vlmforge-adapter";

    /// <summary>This file's format version.</summary>
    public const int FormatVersion = 1;

    /// <summary>The format name (always <see cref="FormatName"/>).</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;

    /// <summary>The format version (always <see cref="FormatVersion"/>).</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = FormatVersion;

    /// <summary>model.family (tiny, qwen2_5_vl, smolvlm).</summary>
    [JsonPropertyName("family")] public required string Family { get; init; }

    /// <summary>The base checkpoint, for example Qwen/Qwen2.5-VL-7B-Instruct, or null for the tiny model.</summary>
    [JsonPropertyName("base_model")] public string? BaseModel { get; init; }

    /// <summary>Width of the images the model saw, in pixels.</summary>
    [JsonPropertyName("image_width")] public required int ImageWidth { get; init; }

    /// <summary>Height of the images the model saw, in pixels.</summary>
    [JsonPropertyName("image_height")] public required int ImageHeight { get; init; }

    /// <summary>How images were resized, for example "smart-resize-28" (Qwen) or "square".</summary>
    [JsonPropertyName("image_resize")] public required string ImageResize { get; init; }

    /// <summary>Per-channel mean the pixels were normalized with (RGB, values in [0, 1]).</summary>
    [JsonPropertyName("image_mean")] public required IReadOnlyList<float> ImageMean { get; init; }

    /// <summary>Per-channel standard deviation the pixels were normalized with.</summary>
    [JsonPropertyName("image_std")] public required IReadOnlyList<float> ImageStd { get; init; }

    /// <summary>The placeholder token of an image.</summary>
    [JsonPropertyName("image_token")] public required string ImageToken { get; init; }

    /// <summary>Placeholders per image.</summary>
    [JsonPropertyName("image_token_count")] public required int ImageTokenCount { get; init; }

    /// <summary>The chat template's family name.</summary>
    [JsonPropertyName("chat_template")] public required string ChatTemplate { get; init; }

    /// <summary>The token that ends an answer (generation stops there).</summary>
    [JsonPropertyName("end_of_answer_token")] public required string EndOfAnswerToken { get; init; }

    /// <summary>The system prompt the adapter was trained with, or null for the template's default.</summary>
    [JsonPropertyName("system_prompt")] public string? SystemPrompt { get; init; }

    /// <summary>How boxes are written, for example "smart-resize-28" (absolute pixels of the resized image).</summary>
    [JsonPropertyName("box_convention")] public required string BoxConvention { get; init; }
}
