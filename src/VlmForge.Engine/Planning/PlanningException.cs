namespace VlmForge.Engine.Planning;

/// <summary>The workflow cannot be planned as configured; the message says what is wrong and what to change.</summary>
public sealed class PlanningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PlanningException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PlanningException(string message, Exception inner) : base(message, inner)
    {
    }
}
