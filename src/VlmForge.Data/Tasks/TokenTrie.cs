namespace VlmForge.Data.Tasks;

/// <summary>
/// The vocabulary's token texts as a character trie, so that a prefix shared by many tokens is checked
/// once and a character that breaks the grammar rules out every token below it at once.
/// </summary>
internal sealed class TokenTrie
{
    private readonly List<Node> _nodes = [new Node()];

    public TokenTrie(IReadOnlyList<string?> tokenTexts)
    {
        for (int id = 0; id < tokenTexts.Count; id++)
        {
            string? text = tokenTexts[id];
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            int node = 0;
            foreach (char c in text)
            {
                node = ChildOrNew(node, c);
            }

            _nodes[node].Tokens.Add(id);
        }
    }

    /// <summary>Marks every token whose whole text the recogniser accepts from <paramref name="state"/>; returns how many.</summary>
    public int MarkAllowed(GroundingJsonPrefix state, Span<bool> allowed) => Visit(0, state, allowed);

    private int Visit(int node, GroundingJsonPrefix state, Span<bool> allowed)
    {
        int count = 0;
        foreach ((char c, int child) in _nodes[node].Children)
        {
            GroundingJsonPrefix next = state;
            if (!next.Step(c))
            {
                continue;
            }

            foreach (int id in _nodes[child].Tokens)
            {
                allowed[id] = true;
                count++;
            }

            count += Visit(child, next, allowed);
        }

        return count;
    }

    private int ChildOrNew(int node, char c)
    {
        foreach ((char edge, int child) in _nodes[node].Children)
        {
            if (edge == c)
            {
                return child;
            }
        }

        _nodes.Add(new Node());
        int created = _nodes.Count - 1;
        _nodes[node].Children.Add((c, created));
        return created;
    }

    private sealed class Node
    {
        public List<(char Edge, int Child)> Children { get; } = [];

        public List<int> Tokens { get; } = [];
    }
}
