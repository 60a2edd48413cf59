using VlmForge.Models.Safetensors;

namespace VlmForge.Models.Families;

/// <summary>
/// A local Hugging Face snapshot (<c>model.path</c>): <c>config.json</c>, the weights (<c>model.safetensors</c> or
/// shards with <c>model.safetensors.index.json</c>) and the tokenizer files. Nothing is downloaded: a missing file is
/// an error that says which file and where.
/// </summary>
public sealed class SnapshotFolder
{
    /// <summary>The config file's name.</summary>
    public const string ConfigFileName = "config.json";

    private SnapshotFolder(string path, IFamilyConfig config)
    {
        Path = path;
        Config = config;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The parsed, validated config.json.</summary>
    public IFamilyConfig Config { get; }

    /// <summary>config.json's path.</summary>
    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFileName);

    /// <summary>Checks the folder and reads its config.json.</summary>
    public static SnapshotFolder Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException(
                $"The model snapshot folder '{full}' (model.path) does not exist. Download the model repository once (for example " +
                "with huggingface-cli download) and point model.path at it; VlmForge never downloads.");
        }
        var configPath = System.IO.Path.Combine(full, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"The model snapshot '{full}' has no {ConfigFileName}; is model.path the snapshot folder itself?", configPath);
        }
        return new SnapshotFolder(full, ModelFamilies.ParseConfig(File.ReadAllText(configPath), configPath));
    }

    /// <summary>Opens the weights (sharded or single-file), validating every file's header.</summary>
    public ITensorSource OpenWeights()
    {
        try
        {
            return SafetensorsCheckpoint.Open(Path);
        }
        catch (FileNotFoundException error)
        {
            throw new FileNotFoundException(
                $"The model snapshot '{Path}' has no weights: it needs {SafetensorsWriter.SingleFileName}, or the shards listed by " +
                $"{SafetensorsWriter.IndexFileName}. Only safetensors are read (not pytorch_model.bin).",
                error.FileName, error);
        }
    }
}
