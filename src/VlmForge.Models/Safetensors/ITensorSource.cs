using static TorchSharp.torch;

namespace VlmForge.Models.Safetensors;

/// <summary>Named tensors that materialize one at a time (a safetensors file or a sharded checkpoint).</summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Tensor names, sorted ordinally.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The free-form string metadata.</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The header entry of <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    TensorEntry GetEntry(string name);

    /// <summary>Copies the tensor into a new CPU tensor of its stored dtype; the caller disposes it.</summary>
    Tensor Read(string name);
}
