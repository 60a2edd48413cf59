using VlmForge.Data.Tokenization;

namespace VlmForge.Engine.Generation;

/// <summary>One row of a batch being generated: its tokens so far, its constraint, and whether and why it stopped.</summary>
internal sealed class RowState(GroundingOutputConstraint? constraint)
{
    private readonly List<int> _tokens = [];

    public GroundingOutputConstraint? Constraint { get; } = constraint;

    public StopReason? Stop { get; private set; }

    public bool Finished => Stop is not null;

    /// <summary>Set for this step when the constraint allows nothing but the end token: the row ends without sampling.</summary>
    public bool OnlyEndAllowed { get; set; }

    /// <summary>
    /// Records this step's token (the sampled one, unless the constraint decides otherwise) and returns it; null when the
    /// row had already finished.
    /// </summary>
    public int? Take(long sampled, int tokensLeftAfter, int? endTokenId, int limit)
    {
        if (Finished)
        {
            return null;
        }
        int token = (int)sampled;
        if (Constraint is not null)
        {
            token = OnlyEndAllowed ? Constraint.EndTokenId : Constraint.Choose(token, tokensLeftAfter);
            Constraint.Accept(token);
        }
        _tokens.Add(token);
        if (token == endTokenId)
        {
            Stop = StopReason.EndToken;
        }
        else if (_tokens.Count >= limit)
        {
            Stop = StopReason.MaxNewTokens;
        }
        return token;
    }

    /// <summary>The constraint allowed no token: the row ends where it is.</summary>
    public void EndWithoutToken() => Stop = StopReason.NoAllowedToken;

    public GeneratedSequence ToSequence(ITextTokenizer tokenizer, int? endTokenId)
    {
        var text = Stop == StopReason.EndToken && _tokens.Count > 0 && _tokens[^1] == endTokenId ? _tokens.Take(_tokens.Count - 1) : _tokens;
        return new GeneratedSequence(_tokens.ToArray(), tokenizer.Decode(text, skipSpecialTokens: true), Stop ?? StopReason.MaxNewTokens);
    }
}
