using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>
/// A module whose named children can be swapped after construction (LoRA wrapping, 4-bit replacement) without
/// changing the state_dict names of anything else.
/// </summary>
public interface IChildHost
{
    /// <summary>Replaces the child registered as <paramref name="name"/> (and the field of that name) by <paramref name="replacement"/>.</summary>
    void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement);
}

/// <summary>
/// Swaps a registered child in place. TorchSharp keeps children twice: in the field that <c>forward</c> reads and in
/// the ordered registry that <c>named_parameters</c>/<c>state_dict</c> walk; both must change, and the registry must
/// keep its order so parameter order (and optimizer state order) stays stable.
/// </summary>
internal static class ChildSlots
{
    public static void Replace(nn.Module host, TorchSharp.Utils.OrderedDict<string, nn.Module> registry, string name, nn.Module<Tensor, Tensor> replacement)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var position = IndexOf(registry, name);
        if (position < 0)
        {
            throw new ArgumentException($"{host.GetType().Name} has no child named '{name}'.", nameof(name));
        }

        var field = FindField(host.GetType(), name)
            ?? throw new InvalidOperationException($"{host.GetType().Name} registers '{name}' but has no field of that name to hold it.");
        if (!field.FieldType.IsInstanceOfType(replacement))
        {
            throw new ArgumentException(
                $"{host.GetType().Name}.{name} holds {field.FieldType.Name}; a {replacement.GetType().Name} cannot replace it.",
                nameof(replacement));
        }

        field.SetValue(host, replacement);
        // register_module(name, null) unregisters; registering again lets TorchSharp register the replacement's own
        // components; then the entry is moved back to where the old child was.
        host.register_module(name, null!);
        host.register_module(name, replacement);
        registry.RemoveAt(registry.Count - 1);
        registry.Insert(position, (name, replacement));
    }

    private static int IndexOf(TorchSharp.Utils.OrderedDict<string, nn.Module> registry, string name)
    {
        for (var i = 0; i < registry.Count; i++)
        {
            if (registry[i].Item1 == name)
            {
                return i;
            }
        }
        return -1;
    }

    private static FieldInfo? FindField(Type? type, string name)
    {
        for (; type is not null && type != typeof(object); type = type.BaseType)
        {
            var field = type.GetField(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            if (field is not null)
            {
                return field;
            }
        }
        return null;
    }
}
