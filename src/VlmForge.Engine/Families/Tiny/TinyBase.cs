using System.Text.Json.Nodes;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tiny;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>
/// A pretrained tiny model in Hugging Face-like layout, named by <c>model.path</c> when <c>model.family = "tiny"</c>:
/// config.json (the tiny architecture, <c>model_type</c> "vlmforge_tiny"), model.safetensors (every weight) and
/// the tokenizer (tokenizer.json, vocab.txt). <c>vlmforge export &lt;run&gt; --merged</c> writes one from a tiny run.
/// </summary>
internal sealed class TinyBase
{
    public const string ModelType = "vlmforge_tiny";
    public const string ConfigFileName = "config.json";
    public const string WeightsFileName = "model.safetensors";

    private TinyBase(string path, TinyVlmConfig config)
    {
        Path = path;
        Config = config;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The architecture the weights fit.</summary>
    public TinyVlmConfig Config { get; }

    public string WeightsPath => System.IO.Path.Combine(Path, WeightsFileName);

    /// <summary>Opens and checks the folder at <paramref name="path"/> (already resolved against the config file).</summary>
    /// <exception cref="WorkflowException">Something the folder needs is missing or unreadable.</exception>
    public static TinyBase Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path))
        {
            throw new WorkflowException(
                $"model.path = \"{path}\": no such folder. For family = \"tiny\" it names a tiny base written by `vlmforge export <tiny run> --merged`; " +
                "remove model.path to start from random weights.");
        }
        foreach (var name in new[] { ConfigFileName, WeightsFileName, TinyTokenizer.ConfigFileName, TinyTokenizer.VocabularyFileName })
        {
            if (!File.Exists(System.IO.Path.Combine(path, name)))
            {
                throw new WorkflowException(
                    $"model.path = \"{path}\" has no {name}: a tiny base holds {ConfigFileName}, {WeightsFileName}, {TinyTokenizer.ConfigFileName} and " +
                    $"{TinyTokenizer.VocabularyFileName} (`vlmforge export <tiny run> --merged` writes them).");
            }
        }
        var configPath = System.IO.Path.Combine(path, ConfigFileName);
        TinyVlmConfig config;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(configPath))?.AsObject()
                ?? throw new InvalidDataException("it is empty");
            if (json["model_type"]?.GetValue<string>() is { } type && type != ModelType)
            {
                throw new InvalidDataException($"model_type is \"{type}\", not \"{ModelType}\" (a real family's snapshot needs model.family = \"qwen2_5_vl\" or \"smolvlm\")");
            }
            config = TinyModel.LoadConfig(configPath);
            config.Validate();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or InvalidOperationException
                                      or ArgumentException or InvalidModelConfigException)
        {
            throw new WorkflowException($"{configPath}: not a tiny model configuration: {e.Message}", e);
        }
        return new TinyBase(path, config);
    }

    /// <summary>The base's tokenizer (a fine-tuning run keeps it: the weights are tied to its ids).</summary>
    public TinyTokenizer LoadTokenizer()
    {
        try
        {
            return TinyTokenizer.Load(Path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new WorkflowException($"model.path = \"{Path}\": {e.Message}", e);
        }
    }

    /// <summary>The weights file, opened; the caller disposes it.</summary>
    public SafetensorsFile OpenWeights()
    {
        try
        {
            return SafetensorsFile.Open(WeightsPath);
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or InvalidDataException)
        {
            throw new WorkflowException($"{WeightsPath}: {e.Message}", e);
        }
    }
}
