using VlmForge.Models.Safetensors;
using static TorchSharp.torch;

namespace VlmForge.Models.Peft;

/// <summary>A tensor source seen under other names (PEFT keys as the model's state_dict names).</summary>
internal sealed class RenamedTensorSource : ITensorSource
{
    private readonly ITensorSource inner;
    private readonly Dictionary<string, string> original;

    public RenamedTensorSource(ITensorSource inner, Func<string, string> rename, string label)
    {
        this.inner = inner;
        original = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in inner.Names)
        {
            var renamed = rename(name);
            if (!original.TryAdd(renamed, name))
            {
                throw new PeftFormatException(label, $"'{name}' and '{original[renamed]}' both map to the model key '{renamed}'");
            }
        }
        Names = [.. original.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;

    public TensorEntry GetEntry(string name) => inner.GetEntry(Original(name)) with { Name = name };

    public Tensor Read(string name) => inner.Read(Original(name));

    public void Dispose() => inner.Dispose();

    private string Original(string name) =>
        original.TryGetValue(name, out var source) ? source : throw new KeyNotFoundException($"No tensor is named '{name}'.");
}
