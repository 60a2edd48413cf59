namespace VlmForge.Data.Prompts;

/// <summary>
/// The user's words for tasks whose record carries no question: grounding and captioning. VQA uses the
/// record's question. Change them per run; the defaults name the output the model is trained to give.
/// </summary>
public sealed record TaskInstructions
{
    public string Grounding { get; init; } = "Describe the image in one sentence and ground each phrase with its boxes as JSON.";

    public string Caption { get; init; } = "Write a caption for the image.";

    public static TaskInstructions Default { get; } = new();
}
