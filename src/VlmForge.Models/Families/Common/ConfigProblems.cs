using System.Globalization;
using VlmForge.Models.Tiny;

namespace VlmForge.Models.Families.Common;

/// <summary>Collects every problem of a config before throwing one <see cref="InvalidModelConfigException"/> that lists them.</summary>
internal sealed class ConfigProblems(string source)
{
    private readonly List<string> problems = [];

    public void Positive(string key, double value)
    {
        if (!(value > 0))
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be positive, got {value}"));
        }
    }

    public void Require(bool condition, string problem)
    {
        if (!condition)
        {
            Add(problem);
        }
    }

    public void Add(string problem) => problems.Add(problem);

    public bool Any => problems.Count > 0;

    public void ThrowIfAny()
    {
        if (problems.Count > 0)
        {
            throw new InvalidModelConfigException($"{source}: the model config is invalid: {string.Join("; ", problems)}.");
        }
    }
}
