namespace VlmForge.Engine.Tests;

/// <summary>Tests that seed or read libtorch's process-wide random generator must not run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
