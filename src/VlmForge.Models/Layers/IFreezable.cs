using static TorchSharp.torch;

namespace VlmForge.Models.Layers;

/// <summary>A module that owns parameters and can freeze them: no gradient, stored in the compute dtype.</summary>
public interface IFreezable
{
    /// <summary>Replaces every parameter of this module (not of its children) by a frozen copy in <paramref name="storageDtype"/>.</summary>
    void Freeze(ScalarType storageDtype);
}
