using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// The page's output lengths per task: phrase grounding JSON is typically 200-400 tokens (512 recommended), VQA
/// answers 20-80 tokens (128-256 recommended). The numbers are for real model families' tokenizers: a family whose
/// tokenizer counts differently (the tiny model: one token per coordinate) waives this rule in its profile.
/// </summary>
public sealed class MaxNewTokensRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "max-new-tokens";

    /// <inheritdoc />
    public string Code => "VLMA0008";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = context.Settings.Evaluation.MaxNewTokens;
        switch (context.Settings.Dataset.Task)
        {
            case DatasetTask.Grounding or DatasetTask.Mixed when tokens < 400:
                context.Warn(diagnostics, this, "evaluation.max_new_tokens",
                    $"{tokens} tokens may truncate phrase grounding answers: the JSON with several groundings is typically 200-400 tokens. " +
                    "512 gives a comfortable margin.");
                break;
            case DatasetTask.Vqa when tokens > 256:
                context.Warn(diagnostics, this, "evaluation.max_new_tokens",
                    $"{tokens} tokens is more than VQA needs: answers are 1-3 sentences (20-80 tokens), so 128-256 allows detailed answers " +
                    "without encouraging verbosity, and evaluation is faster.");
                break;
        }
    }
}
