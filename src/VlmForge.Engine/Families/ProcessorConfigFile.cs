using System.Text.Json;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Engine.Families;

/// <summary>
/// A snapshot's <c>preprocessor_config.json</c> (Hugging Face's image processor settings), read the same way by every
/// family that takes settings from it: absent means the family's defaults, unreadable is an error naming model.path.
/// </summary>
internal static class ProcessorConfigFile
{
    /// <summary>The file's name in a snapshot folder.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>
    /// What <paramref name="read"/> finds in the file's root object, or <paramref name="missing"/> when the snapshot has no
    /// such file.
    /// </summary>
    /// <param name="folder">The snapshot folder.</param>
    /// <param name="configured">model.path as written, for the error.</param>
    /// <exception cref="WorkflowException">The file is not valid JSON or a value has the wrong type.</exception>
    public static T Read<T>(string folder, string configured, Func<JsonElement, T> read, T missing)
    {
        var file = Path.Combine(folder, FileName);
        if (!File.Exists(file))
        {
            return missing;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new WorkflowException($"model.path = \"{configured}\": {file} is not a valid processor config ({e.Message}).", e);
        }
    }
}
