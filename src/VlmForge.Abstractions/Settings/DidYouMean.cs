namespace VlmForge.Abstractions.Settings;

/// <summary>Finds the known name a mistyped one most likely meant, for "did you mean" hints.</summary>
/// <remarks>
/// The settings generator compiles this same file (netstandard2.0) for its schema hints, so it uses no implicit
/// usings and no APIs newer than netstandard2.0.
/// </remarks>
#if VLMFORGE_SETTINGS_GENERATOR
internal
#else
public
#endif
static class DidYouMean
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/> by edit distance (insertions, deletions, substitutions
    /// and swaps of neighbours), when it is close enough to be a typo: at most a third of the longer name's
    /// letters differ, or one name starts with the other (at least 3 letters: <c>integer</c> suggests <c>int</c>).
    /// Case differences are ignored. Ties keep the first candidate.
    /// </summary>
    /// <returns>The suggestion, or <see langword="null"/> when nothing is close.</returns>
    public static string? Suggest(string input, System.Collections.Generic.IEnumerable<string> candidates)
    {
        if (input is null) throw new System.ArgumentNullException(nameof(input));
        if (candidates is null) throw new System.ArgumentNullException(nameof(candidates));
        string? best = null;
        int bestDistance = int.MaxValue;
        var lowered = input.ToLowerInvariant();
        foreach (var candidate in candidates)
        {
            var other = candidate.ToLowerInvariant();
            var distance = Distance(lowered, other);
            if (System.Math.Min(lowered.Length, other.Length) >= 3 && (lowered.StartsWith(other, System.StringComparison.Ordinal) || other.StartsWith(lowered, System.StringComparison.Ordinal)))
                distance = System.Math.Min(distance, 1);
            var allowed = System.Math.Max(1, System.Math.Max(input.Length, candidate.Length) / 3);
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>" Did you mean 'x'?" or an empty string, ready to append to a message.</summary>
    public static string Hint(string input, System.Collections.Generic.IEnumerable<string> candidates) =>
        Suggest(input, candidates) is { } s ? $" Did you mean '{s}'?" : "";

    /// <summary>Optimal string alignment distance: Levenshtein plus transposition of adjacent letters.</summary>
    public static int Distance(string a, string b)
    {
        if (a is null) throw new System.ArgumentNullException(nameof(a));
        if (b is null) throw new System.ArgumentNullException(nameof(b));
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = System.Math.Min(System.Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = System.Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
