namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// Cuts added tokens out of a text as the Rust library's added vocabulary does: leftmost match first, and of the
/// tokens that start there the longest ("&lt;|image_pad|&gt;" before a shorter token it begins with).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, (string Content, int Id)[]> _byFirstChar;
    private readonly char[] _firstChars;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(
                g => g.Key,
                g => g.DistinctBy(t => t.Content, StringComparer.Ordinal)
                    .OrderByDescending(t => t.Content.Length).ThenBy(t => t.Content, StringComparer.Ordinal)
                    .Select(t => (t.Content, t.Id)).ToArray());
        _firstChars = [.. _byFirstChar.Keys];
    }

    public bool IsEmpty => _firstChars.Length == 0;

    /// <summary>The stretches of <paramref name="text"/> in order: plain text (Id -1) and added tokens (their id).</summary>
    public IEnumerable<(int Offset, int Length, int Id)> Split(string text)
    {
        int position = 0;
        int searchFrom = 0;
        while (searchFrom < text.Length)
        {
            int at = IsEmpty ? -1 : text.AsSpan(searchFrom).IndexOfAny(_firstChars);
            if (at < 0)
            {
                break;
            }

            at += searchFrom;
            (string Content, int Id)? match = null;
            foreach ((string content, int id) in _byFirstChar[text[at]])
            {
                if (text.AsSpan(at).StartsWith(content, StringComparison.Ordinal))
                {
                    match = (content, id);
                    break;
                }
            }

            if (match is not { } found)
            {
                searchFrom = at + 1;
                continue;
            }

            if (at > position)
            {
                yield return (position, at - position, -1);
            }

            yield return (at, found.Content.Length, found.Id);
            position = searchFrom = at + found.Content.Length;
        }

        if (position < text.Length)
        {
            yield return (position, text.Length - position, -1);
        }
    }
}
