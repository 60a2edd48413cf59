namespace VlmForge.Models.Presets;

/// <summary>A (family, size) pair that names no released checkpoint; the message says what exists instead.</summary>
public sealed class ModelPresetNotFoundException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ModelPresetNotFoundException(string message, string paramName) : base(message, paramName)
    {
    }
}
