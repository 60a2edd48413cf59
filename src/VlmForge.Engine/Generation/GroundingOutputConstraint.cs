using System.Text;
using VlmForge.Data.Tasks;

namespace VlmForge.Engine.Generation;

/// <summary>
/// Constrained decoding of one row's grounding answer: the Data layer's <see cref="GroundingDecodingConstraint"/> says
/// which tokens keep the text a valid prefix, and on top of it this class
/// <list type="bullet">
/// <item>ends the row as soon as the JSON is complete (only the end token may follow; trailing whitespace would only
/// spend steps), and</item>
/// <item>keeps the answer finishable within <see cref="GenerationOptions.MaxNewTokens"/>: a sampled token is taken only
/// if the text after it can still be completed (one character per token, plus the end token) in the steps that are
/// left; otherwise the row writes the next character of the completion instead. So even an untrained model ends with
/// valid JSON, provided the limit leaves room for the shortest answer (54 tokens: its 53 characters and the end token) and the vocabulary spells
/// every JSON character as a token of its own (the tiny tokenizer does).</item>
/// </list>
/// One instance per row being generated; <see cref="Reset"/> makes it reusable for the next prompt.
/// </summary>
internal sealed class GroundingOutputConstraint
{
    private readonly GroundingDecodingConstraint _decoding;
    private readonly string?[] _tokenTexts;
    private readonly Dictionary<char, int> _characterTokens = [];
    private readonly StringBuilder _text = new();
    private GroundingJsonPrefix _state;

    /// <param name="tokenTexts">The text each token id decodes to (one entry per logit); null for special tokens, which are never allowed.</param>
    /// <param name="endTokenId">The token that ends an answer.</param>
    /// <param name="options">Coordinate limits: the model image's width and height.</param>
    public GroundingOutputConstraint(IReadOnlyList<string?> tokenTexts, int endTokenId, GroundingConstraintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenTexts);
        _decoding = new GroundingDecodingConstraint(tokenTexts, endTokenId, options);
        _tokenTexts = [.. tokenTexts];
        EndTokenId = endTokenId;
        Options = options ?? GroundingConstraintOptions.Unbounded;
        for (int id = 0; id < _tokenTexts.Length; id++)
        {
            if (id != endTokenId && _tokenTexts[id] is { Length: 1 } single && GroundingCompletion.Priority.Contains(single[0], StringComparison.Ordinal))
            {
                _characterTokens.TryAdd(single[0], id);
            }
        }
        _state = new GroundingJsonPrefix(Options);
    }

    /// <summary>The token that ends the answer.</summary>
    public int EndTokenId { get; }

    /// <summary>The coordinate limits.</summary>
    public GroundingConstraintOptions Options { get; }

    /// <summary>Entries of the vocabulary (the width of the logits this constraint masks).</summary>
    public int VocabularySize => _tokenTexts.Length;

    /// <summary>The accepted text is a whole answer.</summary>
    public bool IsComplete => _state.IsComplete;

    /// <summary>The text accepted so far.</summary>
    public string Text => _text.ToString();

    /// <summary>
    /// Whether the completion budget can be kept: every character a completion may need is a token of its own.
    /// Without it the constraint still only allows valid prefixes, but a row may run into the limit mid-answer.
    /// </summary>
    public bool CanForceCompletion => GroundingCompletion.Priority.All(_characterTokens.ContainsKey);

    /// <summary>The characters this constraint would write to finish the answer from here (empty when complete).</summary>
    public string? Completion() => GroundingCompletion.Of(_state);

    /// <summary>Starts a new answer.</summary>
    public void Reset()
    {
        _decoding.Reset();
        _state = new GroundingJsonPrefix(Options);
        _text.Clear();
    }

    /// <summary>Marks the tokens that may come next; returns how many. A complete answer allows only the end token.</summary>
    internal int FillAllowed(Span<bool> allowed)
    {
        if (_state.IsComplete)
        {
            allowed.Clear();
            allowed[EndTokenId] = true;
            return 1;
        }
        return _decoding.FillAllowed(allowed);
    }

    /// <summary>
    /// The token this row writes when the sampler picked <paramref name="sampled"/> and <paramref name="tokensLeftAfter"/>
    /// more tokens may follow it: the sampled one, or the next completion character when the sampled one would leave
    /// the answer unfinishable in time.
    /// </summary>
    internal int Choose(int sampled, int tokensLeftAfter)
    {
        if (sampled == EndTokenId)
        {
            return sampled;
        }
        GroundingJsonPrefix after = _state;
        string text = TokenText(sampled);
        if (text.Length == 0 || !after.Feed(text))
        {
            throw new InvalidOperationException(
                $"The sampler picked token {sampled} ('{text}'), which the grounding constraint had masked after '{Text}'. " +
                "A sampler must never pick a token whose logit is -inf.");
        }
        // The end token also needs a step once the JSON is complete.
        if (GroundingCompletion.Length(after) is int needed && needed + 1 <= tokensLeftAfter)
        {
            return sampled;
        }
        string? completion = GroundingCompletion.Of(_state);
        if (completion is null || completion.Length == 0 || completion.Length > tokensLeftAfter
            || !_characterTokens.TryGetValue(completion[0], out int forced))
        {
            // The budget was already too small (or the vocabulary cannot spell the completion): keep the model's choice.
            return sampled;
        }
        return forced;
    }

    /// <summary>Advances past <paramref name="tokenId"/>; the end token changes nothing.</summary>
    internal void Accept(int tokenId)
    {
        if (tokenId == EndTokenId)
        {
            return;
        }
        string text = TokenText(tokenId);
        if (!_decoding.Accept(tokenId) || !_state.Feed(text))
        {
            throw new InvalidOperationException($"Token {tokenId} ('{text}') cannot follow '{Text}' in a grounding answer.");
        }
        _text.Append(text);
    }

    private string TokenText(int tokenId) =>
        (uint)tokenId < (uint)_tokenTexts.Length ? _tokenTexts[tokenId] ?? "" : "";
}
