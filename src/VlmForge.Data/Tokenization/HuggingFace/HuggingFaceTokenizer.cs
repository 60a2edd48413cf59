using System.Text;
using Microsoft.ML.Tokenizers;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// A snapshot's byte-level BPE tokenizer (Qwen2.5-VL, SmolVLM) on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>,
/// behind <see cref="ITextTokenizer"/> so the conversation encoder works unchanged. Encoding never adds BOS/EOS (the
/// chat templates write every special token); added tokens in the text ("&lt;|im_start|&gt;", "&lt;image&gt;") become
/// their single ids. Decoding maps the byte-level alphabet back to UTF-8 itself, so that <c>skipSpecialTokens</c>
/// drops exactly the tokens the snapshot marks special, as the reference does.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    public const string TokenizerJsonFileName = "tokenizer.json";
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    private readonly BpeTokenizer _inner;
    private readonly string?[] _tokenOfId;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly AddedTokenSplitter _rawAdded;
    private readonly AddedTokenSplitter _normalizedAdded;
    private readonly HuggingFacePreTokenizer _preTokenizer;

    public HuggingFaceTokenizer(TokenizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _addedById = new Dictionary<int, AddedToken>();
        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (AddedToken token in definition.AddedTokens)
        {
            _addedById[token.Id] = token;
            _addedByContent[token.Content] = token.Id;
        }

        // Without a normalizer "normalized" changes nothing; with one, only normalized tokens are looked for after it.
        _rawAdded = new AddedTokenSplitter(definition.AddedTokens.Where(t => !t.Normalized || !definition.NormalizeNfc));
        _normalizedAdded = new AddedTokenSplitter(definition.AddedTokens.Where(t => t.Normalized && definition.NormalizeNfc));
        _preTokenizer = new HuggingFacePreTokenizer(definition.Steps);

        int size = Math.Max(
            definition.Vocabulary.Count == 0 ? 0 : definition.Vocabulary.Values.Max() + 1,
            definition.AddedTokens.Count == 0 ? 0 : definition.AddedTokens.Max(a => a.Id) + 1);
        _tokenOfId = new string?[size];
        foreach ((string token, int id) in definition.Vocabulary)
        {
            _tokenOfId[id] = token;
        }

        // The BPE model sees one pre-tokenized piece at a time: added tokens, the normalizer and the pre-tokenizer run
        // here first, in the Rust library's order (added tokens on the raw text, then NFC, then the stages).
        var options = new BpeOptions(definition.Vocabulary)
        {
            Merges = definition.Merges,
            PreTokenizer = WholePiece.Instance,
            ByteLevel = true,
        };
        try
        {
            _inner = BpeTokenizer.Create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new TokenizerFormatException(definition.Source, "$.model", $"the BPE model cannot be built ({ex.Message})", ex);
        }
    }

    /// <summary>Loads the tokenizer of the snapshot folder: tokenizer.json, or else vocab.json + merges.txt + tokenizer_config.json.</summary>
    public static HuggingFaceTokenizer Load(string snapshotFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotFolder);
        if (!Directory.Exists(snapshotFolder))
        {
            throw new DirectoryNotFoundException($"The model snapshot folder '{snapshotFolder}' does not exist (model.path).");
        }

        string json = Path.Combine(snapshotFolder, TokenizerJsonFileName);
        if (File.Exists(json))
        {
            return new HuggingFaceTokenizer(TokenizerJsonReader.Read(json));
        }

        string vocab = Path.Combine(snapshotFolder, VocabFileName);
        string merges = Path.Combine(snapshotFolder, MergesFileName);
        string config = Path.Combine(snapshotFolder, TokenizerConfigFileName);
        if (File.Exists(vocab) && File.Exists(merges) && File.Exists(config))
        {
            return new HuggingFaceTokenizer(VocabMergesReader.Read(vocab, merges, config));
        }

        throw new FileNotFoundException(
            $"The snapshot '{snapshotFolder}' has no tokenizer: it needs {TokenizerJsonFileName}, or {VocabFileName} + {MergesFileName} + " +
            $"{TokenizerConfigFileName}. Copy the tokenizer files of the Hugging Face model repository into it.",
            json);
    }

    public TokenizerDefinition Definition { get; }

    /// <summary>The Microsoft.ML.Tokenizers model underneath.</summary>
    public BpeTokenizer Inner => _inner;

    /// <summary>One past the largest id of the vocabulary and the added tokens (the model's embedding table may be larger).</summary>
    public int VocabularySize => _tokenOfId.Length;

    public IReadOnlyList<AddedToken> AddedTokens => Definition.AddedTokens;

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach ((int offset, int length, int addedId) in _rawAdded.Split(text))
        {
            if (addedId >= 0)
            {
                ids.Add(addedId);
                continue;
            }

            string plain = text.Substring(offset, length);
            if (Definition.NormalizeNfc)
            {
                plain = NfcNormalizer.Normalize(plain);
            }

            foreach ((int innerOffset, int innerLength, int innerId) in _normalizedAdded.Split(plain))
            {
                if (innerId >= 0)
                {
                    ids.Add(innerId);
                }
                else
                {
                    EncodePlain(innerOffset == 0 && innerLength == plain.Length ? plain : plain.Substring(innerOffset, innerLength), ids);
                }
            }
        }

        return ids;
    }

    private void EncodePlain(string text, List<int> ids)
    {
        foreach ((int offset, int length) in _preTokenizer.Split(text))
        {
            string piece = text.Substring(offset, length);
            if (Definition.IgnoreMerges && Definition.Vocabulary.TryGetValue(ByteLevelAlphabet.Encode(piece), out int whole))
            {
                ids.Add(whole);
            }
            else
            {
                ids.AddRange(_inner.EncodeToIds(piece));
            }
        }
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        var pending = new List<byte>();
        void Flush()
        {
            if (pending.Count > 0)
            {
                text.Append(Encoding.UTF8.GetString(pending.ToArray()));
                pending.Clear();
            }
        }

        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out AddedToken? added))
            {
                // A skipped token is not there at all: the bytes on both sides of it join into one character, as in
                // the reference. A kept one ends the bytes before it (the reference decodes added tokens on their own).
                if (!(skipSpecialTokens && added.Special))
                {
                    Flush();
                    text.Append(added.Content);
                }

                continue;
            }

            string token = (uint)id < (uint)_tokenOfId.Length ? _tokenOfId[id] ?? throw UnknownId(id) : throw UnknownId(id);
            if (!ByteLevelAlphabet.TryDecode(token, pending))
            {
                throw new InvalidOperationException($"Token {id} '{token}' of {Definition.Source} is not written in the byte-level alphabet.");
            }
        }

        Flush();
        return text.ToString();
    }

    /// <summary>
    /// The text of a vocabulary token; null for added tokens and for tokens that are not whole UTF-8 characters on
    /// their own (a byte-level piece of a multi-byte character), which constrained decoding then never offers.
    /// </summary>
    public string? TokenText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        if (_addedById.ContainsKey(id) || _tokenOfId[id] is not { } token)
        {
            return null;
        }

        var bytes = new List<byte>();
        if (!ByteLevelAlphabet.TryDecode(token, bytes))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The id of an added token (special or not), for example "&lt;|image_pad|&gt;".</summary>
    public int GetSpecialTokenId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedByContent.TryGetValue(token, out int id)
            ? id
            : throw new KeyNotFoundException(
                $"'{token}' is not an added token of {Definition.Source}. Is this the tokenizer of the model family the chat template belongs to?");
    }

    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out AddedToken? token) && token.Special;

    private ArgumentOutOfRangeException UnknownId(int id) =>
        new(nameof(id), id, $"Token id {id} is not in the vocabulary of {Definition.Source} ({VocabularySize} ids).");

    /// <summary>Keeps a pre-tokenized piece whole (without a pre-tokenizer the BPE model would split it at spaces).</summary>
    private sealed class WholePiece : PreTokenizer
    {
        public static WholePiece Instance { get; } = new();

        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => [(0, text.Length)];

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => [(0, text.Length)];
    }
}
