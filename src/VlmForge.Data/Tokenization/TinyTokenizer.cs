using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using VlmForge.Abstractions.IO;

namespace VlmForge.Data.Tokenization;

/// <summary>
/// The tiny model's tokenizer: a Microsoft.ML.Tokenizers <see cref="WordPieceTokenizer"/> over a small
/// vocabulary built from the training texts. The pre-tokenizer splits words, digit groups and runs of
/// punctuation, each with the single space before it (GPT-2 style), so decoding is plain concatenation and
/// round-trips exactly (the continuing-subword prefix is empty). Unknown words fall back to shorter pieces
/// and finally single characters; a character outside the vocabulary becomes &lt;unk&gt;.
/// </summary>
public sealed partial class TinyTokenizer : ITextTokenizer
{
    public const string Pad = "<pad>";
    public const string Unknown = "<unk>";
    public const string BeginOfSequence = "<bos>";
    public const string EndOfSequence = "<eos>";
    public const string Image = "<image>";
    public const string SystemRole = "<system>";
    public const string UserRole = "<user>";
    public const string AssistantRole = "<assistant>";

    public const string VocabularyFileName = "vocab.txt";
    public const string ConfigFileName = "tokenizer.json";
    private const string FormatName = "vlmforge-tiny-wordpiece";
    private const int FormatVersion = 1;
    private const int MaxInputCharsPerWord = 200;

    /// <summary>Words (with '_'), digit groups, punctuation runs — each with one optional leading space — then single characters.</summary>
    public const string PreTokenizerPattern = @" ?[A-Za-z_]+| ?[0-9]+|(?: ?[!-/:-@\[-\^`{-~])+|\s|[\uD800-\uDBFF][\uDC00-\uDFFF]|.";

    private readonly WordPieceTokenizer _inner;
    private readonly string[] _vocabulary;
    private readonly Dictionary<string, int> _specialIds;

    private TinyTokenizer(string[] vocabulary, IReadOnlyList<string> specialTokens, string pattern, int maxNumber)
    {
        _vocabulary = vocabulary;
        _specialIds = specialTokens.ToDictionary(t => t, t => Array.IndexOf(vocabulary, t), StringComparer.Ordinal);
        foreach ((string token, int id) in _specialIds)
        {
            if (id < 0)
            {
                throw new InvalidDataException($"Special token '{token}' is missing from the vocabulary.");
            }
        }

        MaxNumber = maxNumber;
        using var stream = new MemoryStream(VocabularyBytes(vocabulary));
        _inner = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.CultureInvariant), _specialIds),
            SpecialTokens = _specialIds,
            UnknownToken = Unknown,
            ContinuingSubwordPrefix = string.Empty,
            MaxInputCharsPerWord = MaxInputCharsPerWord,
        });
    }

    /// <summary>The special tokens, in id order (ids 0..7).</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } =
        [Pad, Unknown, BeginOfSequence, EndOfSequence, Image, SystemRole, UserRole, AssistantRole];

    /// <summary>The Microsoft.ML.Tokenizers tokenizer underneath.</summary>
    public WordPieceTokenizer Inner => _inner;

    public int VocabularySize => _vocabulary.Length;

    /// <summary>The largest integer that is guaranteed to be a single token.</summary>
    public int MaxNumber { get; }

    public IReadOnlyList<string> Vocabulary => _vocabulary;

    public int PadId => _specialIds[Pad];

    public int UnknownId => _specialIds[Unknown];

    public int EndOfSequenceId => _specialIds[EndOfSequence];

    public int ImageId => _specialIds[Image];

    /// <summary>Builds the vocabulary from every text the model will read or write.</summary>
    public static TinyTokenizer Build(IEnumerable<string> corpus, TinyTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new TinyTokenizerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxNumber);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MinFrequency);

        var vocabulary = new List<string>(SpecialTokens);
        var present = new HashSet<string>(SpecialTokens, StringComparer.Ordinal);
        void Add(string token)
        {
            if (present.Add(token))
            {
                vocabulary.Add(token);
            }
        }

        // Every printable ASCII character, so any ASCII text can be spelled out.
        for (char c = ' '; c <= '~'; c++)
        {
            Add(c.ToString());
        }

        for (int n = 0; n <= options.MaxNumber; n++)
        {
            Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Regex pieces = PieceRegex();
        foreach (string text in corpus)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            foreach (string part in SplitOnSpecialTokens(text))
            {
                foreach (Match match in pieces.Matches(part))
                {
                    string piece = match.Value;
                    if (piece.Length <= options.MaxTokenLength && piece.IndexOfAny(['\n', '\r']) < 0)
                    {
                        counts[piece] = counts.GetValueOrDefault(piece) + 1;
                    }
                }
            }
        }

        foreach ((string piece, _) in counts
                     .Where(p => p.Value >= options.MinFrequency && !present.Contains(p.Key))
                     .OrderByDescending(p => p.Value)
                     .ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (vocabulary.Count >= options.MaxVocabularySize)
            {
                break;
            }

            Add(piece);
        }

        return new TinyTokenizer(vocabulary.ToArray(), SpecialTokens, PreTokenizerPattern, options.MaxNumber);
    }

    /// <summary>Writes vocab.txt (one token per line, id = line index) and tokenizer.json into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, VocabularyFileName), VocabularyBytes(_vocabulary));
        var config = new TokenizerConfig(FormatName, FormatVersion, Unknown, PreTokenizerPattern, SpecialTokens.ToArray(), MaxNumber);
        WriteAtomically(Path.Combine(directory, ConfigFileName), JsonSerializer.SerializeToUtf8Bytes(config, ConfigJson));
    }

    public static TinyTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string configPath = Path.Combine(directory, ConfigFileName);
        string vocabularyPath = Path.Combine(directory, VocabularyFileName);
        if (!File.Exists(configPath) || !File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"Tokenizer folder '{directory}' needs {ConfigFileName} and {VocabularyFileName}.", File.Exists(configPath) ? vocabularyPath : configPath);
        }

        TokenizerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TokenizerConfig>(File.ReadAllBytes(configPath), ConfigJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{configPath} is not a valid tokenizer configuration: {ex.Message}", ex);
        }

        if (config is null || config.Format != FormatName || config.Version != FormatVersion)
        {
            throw new InvalidDataException($"{configPath} is not a {FormatName} v{FormatVersion} tokenizer (found {config?.Format} v{config?.Version}).");
        }

        string text = File.ReadAllText(vocabularyPath, new UTF8Encoding(false));
        string[] vocabulary = text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n');
        return new TinyTokenizer(vocabulary, config.SpecialTokens, config.PreTokenizer, config.MaxNumber);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : _inner.EncodeToIds(text);
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _inner.Decode(ids, skipSpecialTokens);
    }

    public string? TokenText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _vocabulary.Length);
        return IsSpecial(id) ? null : _vocabulary[id];
    }

    public bool IsSpecial(int id) => id >= 0 && id < SpecialTokens.Count;

    public int GetSpecialTokenId(string token) =>
        _specialIds.TryGetValue(token, out int id)
            ? id
            : throw new KeyNotFoundException($"'{token}' is not a special token of this tokenizer; it has {string.Join(", ", _specialIds.Keys)}.");

    private static IEnumerable<string> SplitOnSpecialTokens(string text)
    {
        int start = 0;
        while (start < text.Length)
        {
            int next = -1;
            string? found = null;
            foreach (string special in SpecialTokens)
            {
                int at = text.IndexOf(special, start, StringComparison.Ordinal);
                if (at >= 0 && (next < 0 || at < next))
                {
                    next = at;
                    found = special;
                }
            }

            if (found is null)
            {
                yield return text[start..];
                yield break;
            }

            if (next > start)
            {
                yield return text[start..next];
            }

            start = next + found.Length;
        }
    }

    private static byte[] VocabularyBytes(IEnumerable<string> vocabulary) =>
        new UTF8Encoding(false).GetBytes(string.Join('\n', vocabulary) + "\n");

    private static void WriteAtomically(string path, byte[] bytes) => DurableFile.WriteAllBytes(path, bytes);

    private static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    [GeneratedRegex(PreTokenizerPattern, RegexOptions.CultureInvariant)]
    private static partial Regex PieceRegex();

    private sealed record TokenizerConfig(string Format, int Version, string UnknownToken, string PreTokenizer, string[] SpecialTokens, int MaxNumber);
}
