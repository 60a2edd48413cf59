namespace VlmForge.Abstractions.Sampling;

/// <summary>The <c>[evaluation]</c> generation settings.</summary>
/// <param name="DoSample">False: greedy (arg-max) decoding, temperature/top-k/top-p unused.</param>
/// <param name="Temperature">Divides logits; must be positive.</param>
/// <param name="TopK">Keep the K most probable tokens; 0 keeps all.</param>
/// <param name="TopP">Keep the smallest set whose probability reaches P; 1 keeps all.</param>
/// <param name="RepetitionPenalty">Penalty (>= 1) for tokens already generated; 1 is none.</param>
/// <param name="Seed">Seeds the sampler's own generator so generation is reproducible.</param>
public sealed record SamplingOptions(bool DoSample, double Temperature, int TopK, double TopP, double RepetitionPenalty, long Seed);
