namespace VlmForge.Models.Tiny;

/// <summary>A model config whose shapes do not fit together.</summary>
public sealed class InvalidModelConfigException : Exception
{
    /// <summary>Creates the exception with a message that names every problem.</summary>
    public InvalidModelConfigException(string message) : base(message)
    {
    }
}
