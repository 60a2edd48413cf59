namespace VlmForge.Data.Tasks;

/// <summary>
/// Constrained decoding for grounding answers: after each accepted token it can say which vocabulary
/// tokens keep the text a valid prefix of an answer, and whether the end-of-answer token is allowed
/// (only once the JSON is complete). One instance per sequence being generated.
/// </summary>
public sealed class GroundingDecodingConstraint
{
    private readonly string?[] _tokenTexts;
    private readonly int _endTokenId;
    private readonly GroundingConstraintOptions _options;
    private readonly TokenTrie _trie;
    private readonly bool[] _plainText;
    private GroundingJsonPrefix _state;

    /// <param name="tokenTexts">The text each token id decodes to; null for special tokens, which are never allowed.</param>
    /// <param name="endTokenId">The token that ends an answer (allowed only when the JSON is complete).</param>
    /// <param name="options">Coordinate limits.</param>
    public GroundingDecodingConstraint(IReadOnlyList<string?> tokenTexts, int endTokenId, GroundingConstraintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenTexts);
        ArgumentOutOfRangeException.ThrowIfNegative(endTokenId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(endTokenId, tokenTexts.Count);
        _tokenTexts = tokenTexts.ToArray();
        _endTokenId = endTokenId;
        _options = options ?? GroundingConstraintOptions.Unbounded;
        _state = new GroundingJsonPrefix(_options);
        var texts = (string?[])_tokenTexts.Clone();
        texts[endTokenId] = null;
        _trie = new TokenTrie(texts);
        _plainText = texts.Select(IsPlainText).ToArray();
    }

    public int VocabularySize => _tokenTexts.Length;

    public bool IsComplete => _state.IsComplete;

    public void Reset() => _state = new GroundingJsonPrefix(_options);

    /// <summary>Whether <paramref name="tokenId"/> may come next.</summary>
    public bool IsAllowed(int tokenId)
    {
        if (tokenId == _endTokenId)
        {
            return _state.IsComplete;
        }

        string? text = (uint)tokenId < (uint)_tokenTexts.Length ? _tokenTexts[tokenId] : null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        GroundingJsonPrefix next = _state;
        return next.Feed(text);
    }

    /// <summary>Advances past <paramref name="tokenId"/>; false (state unchanged) when it is not allowed.</summary>
    public bool Accept(int tokenId)
    {
        if (tokenId == _endTokenId)
        {
            return _state.IsComplete;
        }

        string? text = (uint)tokenId < (uint)_tokenTexts.Length ? _tokenTexts[tokenId] : null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        GroundingJsonPrefix next = _state;
        if (!next.Feed(text))
        {
            return false;
        }

        _state = next;
        return true;
    }

    private static bool IsPlainText(string? text) =>
        !string.IsNullOrEmpty(text) && text.All(c => c >= ' ' && c != '"' && c != '\\');

    /// <summary>Writes true for every allowed next token; returns how many there are.</summary>
    public int FillAllowed(Span<bool> allowed)
    {
        if (allowed.Length != _tokenTexts.Length)
        {
            throw new ArgumentException($"The mask has {allowed.Length} entries but the vocabulary has {_tokenTexts.Length}.", nameof(allowed));
        }

        allowed.Clear();
        int count = 0;
        if (_state.InPlainString)
        {
            // Most steps are inside the sentence or a phrase, where almost every token is plain text.
            for (int id = 0; id < _tokenTexts.Length; id++)
            {
                bool ok = _plainText[id] || (id != _endTokenId && IsAllowed(id));
                allowed[id] = ok;
                count += ok ? 1 : 0;
            }

            return count;
        }

        count = _trie.MarkAllowed(_state, allowed);
        if (_state.IsComplete)
        {
            allowed[_endTokenId] = true;
            count++;
        }

        return count;
    }
}
