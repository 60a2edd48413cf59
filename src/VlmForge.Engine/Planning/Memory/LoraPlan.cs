namespace VlmForge.Engine.Planning.Memory;

/// <summary>The LoRA settings that change memory: rank, whether adapter dropout runs, and which linears get adapters.</summary>
/// <param name="Rank">r (model.lora_rank).</param>
/// <param name="Dropout">model.lora_dropout; above 0 each adapter keeps its own dropped copy of its input for backward.</param>
/// <param name="TargetModules">model.lora_target_modules, matched against the last segment of each linear's path.</param>
internal sealed record LoraPlan(int Rank, double Dropout, IReadOnlyList<string> TargetModules)
{
    /// <summary>Whether the linear named <paramref name="name"/> gets an adapter.</summary>
    public bool Targets(string name) => TargetModules.Contains(name, StringComparer.Ordinal);
}
