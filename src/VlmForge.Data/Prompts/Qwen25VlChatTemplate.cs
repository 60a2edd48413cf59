using VlmForge.Data.Geometry;

namespace VlmForge.Data.Prompts;

/// <summary>
/// Qwen2.5-VL's chat template (ChatML): a system turn (Qwen's default "You are a helpful assistant." when
/// none is given), a user turn with <c>&lt;|vision_start|&gt;&lt;|image_pad|&gt;…&lt;|vision_end|&gt;</c> before the text,
/// then <c>&lt;|im_start|&gt;assistant\n</c>. The processor's expansion of &lt;|image_pad|&gt; to one token per merged
/// 28x28 patch is the image run here.
/// </summary>
public sealed class Qwen25VlChatTemplate : ChatTemplate
{
    public const string DefaultSystemPrompt = "You are a helpful assistant.";

    public override string Family => "qwen2.5-vl";

    public override string ImageToken => "<|image_pad|>";

    public override string EndOfAnswerToken => "<|im_end|>";

    protected override void AppendPrompt(List<ChatSegment> segments, string? systemPrompt, string userText, int imageTokenCount, TileGrid tiles)
    {
        string system = string.IsNullOrEmpty(systemPrompt) ? DefaultSystemPrompt : systemPrompt;
        segments.Add(Prompt($"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n<|vision_start|>"));
        segments.Add(ImageRun(imageTokenCount));
        segments.Add(Prompt($"<|vision_end|>{userText}<|im_end|>\n<|im_start|>assistant\n"));
    }

    protected override void AppendAnswer(List<ChatSegment> segments, string answer)
    {
        segments.Add(Answer(answer + EndOfAnswerToken));
        segments.Add(Prompt("\n"));
    }
}
