using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using VlmForge.Abstractions.IO;

namespace VlmForge.Engine.Checkpoints;

/// <summary>
/// <c>manifest.json</c> of a checkpoint folder: the size and SHA-256 of each of its files, written after all of them.
/// A checkpoint whose manifest is missing, unreadable or does not match its files is damaged (a crash in the middle
/// of a save, a power loss before the data reached the disk, a full disk, a file edited or truncated since).
/// </summary>
internal static class CheckpointManifest
{
    public const string FileName = "manifest.json";
    private const int Format = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Hashes <paramref name="files"/> of <paramref name="folder"/> and writes the manifest durably.</summary>
    public static void Write(string folder, long step, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var entries = files.Select(name =>
        {
            var path = Path.Combine(folder, name);
            return new ManifestFile(name, new FileInfo(path).Length, Hash(path));
        }).ToList();
        DurableFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new Manifest(Format, step, entries), Json));
    }

    /// <summary>Null when every file of <paramref name="folder"/> matches its manifest; otherwise what is wrong, in words.</summary>
    public static string? Verify(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return $"it has no {FileName} (its save did not finish)";
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return $"its {FileName} cannot be read ({e.Message})";
        }
        if (manifest?.Files is not { Count: > 0 } files) return $"its {FileName} lists no files";
        if (manifest.Format != Format) return $"its {FileName} has format {manifest.Format}, this version reads {Format}";
        foreach (var file in files)
        {
            var filePath = Path.Combine(folder, file.Name ?? "");
            if (file.Name is null || file.Name.Contains('/') || file.Name.Contains('\\') || !File.Exists(filePath))
                return $"{file.Name} is missing";
            long length = new FileInfo(filePath).Length;
            if (length != file.Bytes)
                return string.Create(CultureInfo.InvariantCulture, $"{file.Name} has {length} bytes, its manifest says {file.Bytes} (truncated or overwritten)");
            string hash;
            try
            {
                hash = Hash(filePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"{file.Name} cannot be read ({e.Message})";
            }
            if (!string.Equals(hash, file.Sha256, StringComparison.Ordinal))
                return $"{file.Name} does not match the SHA-256 in its manifest (its bytes changed after it was written)";
        }
        return null;
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed record Manifest(int Format, long Step, IReadOnlyList<ManifestFile>? Files);

    private sealed record ManifestFile(string? Name, long Bytes, [property: JsonPropertyName("sha256")] string? Sha256);
}
