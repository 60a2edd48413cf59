namespace VlmForge.Cli.Tests;

/// <summary>
/// CLI runs whose outcome depends on libtorch's process-wide random generator (a run seeds it before building its
/// adapters) run alone: another test drawing from it in parallel changes their weights and what they generate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
