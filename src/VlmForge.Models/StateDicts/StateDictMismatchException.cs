using System.Text;

namespace VlmForge.Models.StateDicts;

/// <summary>A tensor whose stored shape or kind of dtype differs from the module's.</summary>
/// <param name="Name">The state_dict key.</param>
/// <param name="Expected">What the module holds, for example <c>[40, 32] Float32</c>.</param>
/// <param name="Found">What the checkpoint holds.</param>
public sealed record TensorMismatch(string Name, string Expected, string Found);

/// <summary>A checkpoint that does not fit a module; lists every problem at once.</summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception from the full lists of problems.</summary>
    public StateDictMismatchException(
        string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<TensorMismatch> mismatched)
        : base(Describe(source, target, missing, unexpected, mismatched))
    {
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
    }

    /// <summary>Keys the module has and the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys the checkpoint has and the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present in both with a different shape or kind of dtype.</summary>
    public IReadOnlyList<TensorMismatch> Mismatched { get; }

    private static string Describe(
        string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<TensorMismatch> mismatched)
    {
        var text = new StringBuilder();
        text.Append($"{source} does not fit {target}: {missing.Count} missing, {unexpected.Count} unexpected, {mismatched.Count} mismatched tensor(s).");
        foreach (var name in missing)
        {
            text.Append($"\n  missing:    {name}");
        }
        foreach (var name in unexpected)
        {
            text.Append($"\n  unexpected: {name}");
        }
        foreach (var m in mismatched)
        {
            text.Append($"\n  mismatched: {m.Name}: the model has {m.Expected}, the checkpoint {m.Found}");
        }
        text.Append("\nCheck that the checkpoint belongs to this model family and size (and, for adapters, the same LoRA targets and rank).");
        return text.ToString();
    }
}
