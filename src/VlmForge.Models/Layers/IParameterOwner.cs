using TorchSharp.Modules;

namespace VlmForge.Models.Layers;

/// <summary>
/// A module that owns parameters directly and can swap one for a new tensor of the same shape without changing its
/// state_dict name. Loading a checkpoint into a skeleton built on the meta device replaces each parameter this way, one
/// tensor at a time, so the model never exists twice in memory.
/// </summary>
public interface IParameterOwner
{
    /// <summary>Replaces the parameter registered as <paramref name="name"/> (not a child's) by <paramref name="replacement"/>.</summary>
    /// <exception cref="ArgumentException">The module has no such parameter, or the shapes differ.</exception>
    void ReplaceParameter(string name, Parameter replacement);
}

/// <summary>Checks shared by the <see cref="IParameterOwner"/> implementations.</summary>
internal static class ParameterReplacement
{
    public static void CheckShape(string owner, string name, Parameter current, Parameter replacement)
    {
        if (!current.shape.SequenceEqual(replacement.shape))
        {
            throw new ArgumentException(
                $"{owner}.{name} is [{string.Join(", ", current.shape)}]; a [{string.Join(", ", replacement.shape)}] tensor cannot replace it.",
                nameof(replacement));
        }
    }

    public static ArgumentException Unknown(string owner, string name) =>
        new($"{owner} owns no parameter named '{name}'.", nameof(name));
}
