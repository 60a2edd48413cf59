using VlmForge.Abstractions.Sampling;
using VlmForge.Engine.Generation;

namespace VlmForge.Cli.Serving;

/// <summary>A validated <c>/v1/chat/completions</c> request, ready for the generation queue.</summary>
/// <param name="Prompt">The decoded, resized image and the user's text (constrained when grounding).</param>
/// <param name="Sampling">The run's <c>[evaluation]</c> sampling with the request's overrides.</param>
/// <param name="MaxTokens">Most tokens to generate (<c>max_tokens</c>, default <c>evaluation.max_new_tokens</c>).</param>
/// <param name="Grounding">Answer in grounding JSON with boxes in the original image's pixels.</param>
/// <param name="Stream">Answer as server-sent events.</param>
/// <param name="PromptTokens">Tokens of the encoded prompt, image placeholders included.</param>
public sealed record ChatRequest(GenerationPrompt Prompt, SamplingOptions Sampling, int MaxTokens, bool Grounding, bool Stream, int PromptTokens);
