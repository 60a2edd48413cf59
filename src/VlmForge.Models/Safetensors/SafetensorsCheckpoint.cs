namespace VlmForge.Models.Safetensors;

/// <summary>Opens whatever a checkpoint path points at: a folder, an index json, or a single file.</summary>
public static class SafetensorsCheckpoint
{
    /// <summary>
    /// A folder opens its <c>model.safetensors.index.json</c> (sharded) or else its <c>model.safetensors</c>; a path ending
    /// in <c>.index.json</c> opens as sharded; any other path as one file.
    /// </summary>
    public static ITensorSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var index = Path.Combine(path, SafetensorsWriter.IndexFileName);
            if (File.Exists(index))
            {
                return ShardedSafetensors.Open(index);
            }
            var single = Path.Combine(path, SafetensorsWriter.SingleFileName);
            if (File.Exists(single))
            {
                return SafetensorsFile.Open(single);
            }
            throw new FileNotFoundException(
                $"{path} holds neither {SafetensorsWriter.IndexFileName} nor {SafetensorsWriter.SingleFileName}.", path);
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint {path} does not exist.", path);
        }
        return path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)
            ? ShardedSafetensors.Open(path)
            : SafetensorsFile.Open(path);
    }
}
