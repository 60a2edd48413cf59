using VlmForge.Data.Geometry;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Prompts;

/// <summary>
/// The tiny model's template: role markers are single special tokens and nothing else is added,
/// which keeps sequences short. <c>&lt;bos&gt;&lt;system&gt;{system}&lt;user&gt;&lt;image&gt;…{question}&lt;assistant&gt;{answer}&lt;eos&gt;</c>;
/// without a system prompt the &lt;system&gt; part is left out.
/// </summary>
public sealed class TinyChatTemplate : ChatTemplate
{
    public override string Family => "tiny";

    public override string ImageToken => TinyTokenizer.Image;

    public override string EndOfAnswerToken => TinyTokenizer.EndOfSequence;

    protected override void AppendPrompt(List<ChatSegment> segments, string? systemPrompt, string userText, int imageTokenCount, TileGrid tiles)
    {
        segments.Add(Prompt(TinyTokenizer.BeginOfSequence));
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            segments.Add(Prompt(TinyTokenizer.SystemRole + systemPrompt));
        }

        segments.Add(Prompt(TinyTokenizer.UserRole));
        segments.Add(ImageRun(imageTokenCount));
        segments.Add(Prompt(userText + TinyTokenizer.AssistantRole));
    }

    protected override void AppendAnswer(List<ChatSegment> segments, string answer) =>
        segments.Add(Answer(answer + EndOfAnswerToken));
}
