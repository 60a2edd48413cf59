using System.Text.Json;
using VlmForge.Models.Tiny;

namespace VlmForge.Models.Families.Common;

/// <summary>
/// Reads Hugging Face <c>config.json</c> text into typed records. Syntax and type errors name the source and the
/// line and column; unknown keys are ignored (configs carry many keys that do not change the architecture).
/// </summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    /// <summary>Deserializes the whole document as <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(string json, string source)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidModelConfigException($"{source}: the config is JSON null, expected an object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidModelConfigException(
                $"{source}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: {(ex.Path is { Length: > 1 } path ? path + ": " : "")}" +
                $"{ex.Message.Split(" Path:", 2)[0]}");
        }
    }

    /// <summary>The string value of a top-level key, or null.</summary>
    public static string? TopLevelString(string json, string key, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidModelConfigException(
                $"{source}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: not valid JSON ({ex.Message.Split(" Path:", 2)[0]})");
        }
    }

    /// <summary>Whether the document has a top-level object named <paramref name="key"/>.</summary>
    public static bool HasObject(string json, string key)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
               && document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Object;
    }
}
