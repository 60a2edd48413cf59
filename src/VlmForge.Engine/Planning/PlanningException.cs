namespace VlmForge.Engine.Planning;

/// <summary>The workflow cannot be planned as configured; the message says what is wrong and what to change.</summary>
public sealed class PlanningException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="keyPath">The setting at fault (for example <c>model.lora_target_modules</c>), so callers can point into the config.</param>
    public PlanningException(string message, string? keyPath = null) : base(message)
    {
        KeyPath = keyPath;
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PlanningException(string message, Exception inner, string? keyPath = null) : base(message, inner)
    {
        KeyPath = keyPath;
    }

    /// <summary>The setting at fault, when one is.</summary>
    public string? KeyPath { get; }
}
