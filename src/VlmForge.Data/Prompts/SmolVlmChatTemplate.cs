namespace VlmForge.Data.Prompts;

/// <summary>
/// SmolVLM / Idefics3's chat template: <c>&lt;|im_start|&gt;System: {system}&lt;end_of_utterance&gt;\nUser:{image}{text}&lt;end_of_utterance&gt;\nAssistant:</c>
/// where a single unsplit image is <c>&lt;fake_token_around_image&gt;&lt;global-img&gt;&lt;image&gt;…&lt;fake_token_around_image&gt;</c>
/// (the Idefics3 processor's expansion). The assistant's text follows "Assistant:" after one space.
/// </summary>
public sealed class SmolVlmChatTemplate : ChatTemplate
{
    public const string FakeTokenAroundImage = "<fake_token_around_image>";
    public const string GlobalImageToken = "<global-img>";

    public override string Family => "smolvlm";

    public override string ImageToken => "<image>";

    public override string EndOfAnswerToken => "<end_of_utterance>";

    protected override void AppendPrompt(List<ChatSegment> segments, string? systemPrompt, string userText, int imageTokenCount)
    {
        segments.Add(Prompt("<|im_start|>"));
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            segments.Add(Prompt($"System: {systemPrompt}{EndOfAnswerToken}\n"));
        }

        segments.Add(Prompt($"User:{FakeTokenAroundImage}{GlobalImageToken}"));
        segments.Add(ImageRun(imageTokenCount));
        segments.Add(Prompt($"{FakeTokenAroundImage}{userText}{EndOfAnswerToken}\nAssistant:"));
    }

    protected override void AppendAnswer(List<ChatSegment> segments, string answer)
    {
        segments.Add(Answer($" {answer}{EndOfAnswerToken}"));
        segments.Add(Prompt("\n"));
    }
}
