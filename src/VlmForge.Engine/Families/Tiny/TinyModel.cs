using System.Text.Json;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Modeling;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>The tiny model of a run: its architecture for the run's tokenizer and image size, its weights, its config file.</summary>
internal static class TinyModel
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// The tiny architecture for this tokenizer and image size: the grounding-detector vision side, which writes box
    /// coordinates as the tokenizer's number tokens (every integer up to the image size is one token).
    /// </summary>
    public static TinyVlmConfig Config(TinyTokenizer tokenizer, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var config = new TinyVlmConfig
        {
            VocabSize = tokenizer.VocabularySize,
            ImageTokenId = tokenizer.ImageId,
            PadTokenId = tokenizer.PadId,
            ImageSize = imageSize,
            VisionType = TinyVisionType.Detector,
            CoordinateTokenIds = CoordinateTokens(tokenizer, imageSize),
            TieWordEmbeddings = true,
            DetectorTextLinks = true,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new WorkflowException($"dataset.image_size = {imageSize} does not fit the tiny model: {e.Message}", e);
        }
        return config;
    }

    private static int[] CoordinateTokens(TinyTokenizer tokenizer, int imageSize)
    {
        var ids = new int[imageSize + 1];
        for (int c = 0; c <= imageSize; c++)
        {
            var encoded = tokenizer.Encode(c.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (encoded.Count != 1)
            {
                throw new WorkflowException(
                    $"The tiny tokenizer spells the coordinate {c} with {encoded.Count} tokens; it was built for images up to {tokenizer.MaxNumber} px, " +
                    $"but dataset.image_size is {imageSize}. Delete the run's tokenizer or start a new run.");
            }
            ids[c] = encoded[0];
        }
        return ids;
    }

    /// <summary>
    /// Creates the tiny model with weights drawn from <paramref name="seed"/> (the same seed gives the same weights), or
    /// with <paramref name="pretrained"/>'s weights (the seed then only draws the new adapters).
    /// </summary>
    public static IVisionLanguageModel Create(TinyVlmConfig config, ModelSetup setup, long seed, TinyBase? pretrained = null)
    {
        torch.manual_seed(seed);
        if (pretrained is null)
        {
            return TinyVlm.Create(config, setup);
        }
        using var weights = pretrained.OpenWeights();
        try
        {
            return TinyVlm.Create(config, setup, weights, pretrained.WeightsPath);
        }
        catch (StateDictMismatchException e)
        {
            throw new WorkflowException($"model.path = \"{pretrained.Path}\": {e.Message}", e);
        }
    }

    public static void SaveConfig(TinyVlmConfig config, string path)
    {
        DurableFile.WriteAllText(path, JsonSerializer.Serialize(config, Json));
    }

    public static TinyVlmConfig LoadConfig(string path) =>
        JsonSerializer.Deserialize<TinyVlmConfig>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path} holds no model configuration.");
}
