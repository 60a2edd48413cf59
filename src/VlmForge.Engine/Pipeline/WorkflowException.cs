namespace VlmForge.Engine.Pipeline;

/// <summary>The workflow cannot run as configured; the message says what is wrong and what to change.</summary>
public sealed class WorkflowException : Exception
{
    public WorkflowException(string message) : base(message) { }

    public WorkflowException(string message, Exception inner) : base(message, inner) { }
}
