using System.Text;
using VlmForge.Data.Tasks;

namespace VlmForge.Engine.Generation;

/// <summary>
/// A short way to finish a partial grounding answer, found greedily one character at a time: at each point the first
/// character of <see cref="Priority"/> that the recogniser accepts is taken. Closing characters come first, so strings,
/// arrays and objects are closed as soon as the grammar lets them; keys are spelled out letter by letter; coordinates
/// take the smallest digits that keep the box valid. The result is not always the shortest possible, but it is a
/// valid completion, and following it character by character keeps every later completion exactly one shorter, which
/// is what the decoding budget relies on.
/// </summary>
internal static class GroundingCompletion
{
    /// <summary>The characters tried, in order; together they can finish any prefix the recogniser accepts.</summary>
    internal const string Priority = "\"]},:[{0123456789abcdefghijklmnopqrstuvwxyz_";

    /// <summary>Longer completions are not searched for (the grammar's longest is about 60 characters).</summary>
    private const int MaxLength = 512;

    /// <summary>The completion of <paramref name="state"/>, or null when none was found (a failed state).</summary>
    public static string? Of(GroundingJsonPrefix state)
    {
        var text = new StringBuilder();
        return Walk(state, text) is null ? null : text.ToString();
    }

    /// <summary>The length of <see cref="Of"/> without building the text; null when there is none.</summary>
    public static int? Length(GroundingJsonPrefix state) => Walk(state, null);

    private static int? Walk(GroundingJsonPrefix state, StringBuilder? text)
    {
        int length = 0;
        while (!state.IsComplete)
        {
            if (state.IsFailed || length >= MaxLength)
            {
                return null;
            }
            state = Next(state, out char? taken);
            if (taken is not char c)
            {
                return null;
            }
            text?.Append(c);
            length++;
        }
        return length;
    }

    private static GroundingJsonPrefix Next(GroundingJsonPrefix state, out char? taken)
    {
        foreach (char c in Priority)
        {
            GroundingJsonPrefix next = state;
            if (next.Step(c))
            {
                taken = c;
                return next;
            }
        }
        taken = null;
        return state;
    }
}
