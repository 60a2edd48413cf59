using System.Text;
using System.Text.Json;
using VlmForge.Abstractions.IO;

namespace VlmForge.Engine.Runs;

/// <summary>
/// An append-only JSON Lines file, flushed line by line so a crash loses at most the line being written.
/// Doubles are written in their shortest round-trip form, so two identical runs write identical text.
/// </summary>
public sealed class JsonLinesLog<T> : IDisposable
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly FileStream _stream;

    private JsonLinesLog(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>Opens for appending; when <paramref name="keepWhile"/> is given, lines after the first it rejects are dropped (resume).</summary>
    public static JsonLinesLog<T> Open(string path, Func<T, bool>? keepWhile = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (keepWhile is not null && File.Exists(path))
        {
            var kept = new StringBuilder();
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0) continue;
                T? item;
                try
                {
                    item = JsonSerializer.Deserialize<T>(line, Options);
                }
                catch (JsonException)
                {
                    break;   // a line torn by a crash mid-write: it and anything after it are dropped
                }
                if (item is null || !keepWhile(item)) break;
                kept.Append(line).Append('\n');
            }
            DurableFile.WriteAllText(path, kept.ToString());
        }
        return new JsonLinesLog<T>(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    public void Append(T item)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(item, Options);
        _stream.Write(bytes);
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }

    public static IReadOnlyList<T> ReadAll(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<T>(l, Options)!).ToList()
            : [];

    public void Dispose() => _stream.Dispose();
}
