using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// One piece of the platform page's guidance, checked against a valid workflow. Advice is always a warning, never
/// an error, and says which rule fired and the page's reasoning.
/// </summary>
public interface IAdviceRule
{
    /// <summary>Short rule name shown with the warning, for example <c>learning-rate</c>.</summary>
    string Name { get; }

    /// <summary>Stable id, <c>VLMA####</c>.</summary>
    string Code { get; }

    /// <summary>Adds this rule's warnings for <paramref name="context"/>, if any.</summary>
    void Check(AdviceContext context, DiagnosticBag diagnostics);
}
