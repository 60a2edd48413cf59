using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>A workflow config that cannot be used; the message lists every error with file:line:col.</summary>
public sealed class WorkflowConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/> with its <paramref name="errors"/>.</summary>
    public WorkflowConfigException(string fileName, IReadOnlyList<SettingsDiagnostic> errors)
        : base($"{fileName} has {errors.Count} error(s):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
    {
        Errors = errors;
    }

    /// <summary>The errors.</summary>
    public IReadOnlyList<SettingsDiagnostic> Errors { get; }
}
