using VlmForge.Data.Geometry;

namespace VlmForge.Data.Prompts;

/// <summary>
/// SmolVLM / Idefics3's chat template: <c>&lt;|im_start|&gt;System: {system}&lt;end_of_utterance&gt;\nUser:{image}{text}&lt;end_of_utterance&gt;\nAssistant:</c>
/// where {image} is the Idefics3 processor's expansion: an unsplit image is
/// <c>&lt;fake_token_around_image&gt;&lt;global-img&gt;&lt;image&gt;…&lt;fake_token_around_image&gt;</c>; a split one is, for every
/// row r and column c, <c>&lt;fake_token_around_image&gt;&lt;row_r_col_c&gt;</c> and the tile's <c>&lt;image&gt;</c> run, "\n" after
/// each row, then "\n" and the global view as above (<c>_prompt_split_image</c>). The assistant's text follows
/// "Assistant:" after one space.
/// </summary>
public sealed class SmolVlmChatTemplate : ChatTemplate
{
    public const string FakeTokenAroundImage = "<fake_token_around_image>";
    public const string GlobalImageToken = "<global-img>";

    public override string Family => "smolvlm";

    public override string ImageToken => "<image>";

    public override string EndOfAnswerToken => "<end_of_utterance>";

    public override bool SplitsImages => true;

    /// <summary>The token that opens tile (<paramref name="row"/>, <paramref name="col"/>), both from 1.</summary>
    public static string TileToken(int row, int col) => $"<row_{row}_col_{col}>";

    protected override void AppendPrompt(List<ChatSegment> segments, string? systemPrompt, string userText, int imageTokenCount, TileGrid tiles)
    {
        segments.Add(Prompt("<|im_start|>"));
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            segments.Add(Prompt($"System: {systemPrompt}{EndOfAnswerToken}\n"));
        }

        segments.Add(Prompt("User:"));
        for (int row = 1; row <= tiles.Rows; row++)
        {
            for (int col = 1; col <= tiles.Cols; col++)
            {
                segments.Add(Prompt($"{FakeTokenAroundImage}{TileToken(row, col)}"));
                segments.Add(ImageRun(imageTokenCount));
            }
            segments.Add(Prompt("\n"));
        }
        segments.Add(Prompt($"{(tiles.IsSplit ? "\n" : "")}{FakeTokenAroundImage}{GlobalImageToken}"));
        segments.Add(ImageRun(imageTokenCount));
        segments.Add(Prompt($"{FakeTokenAroundImage}{userText}{EndOfAnswerToken}\nAssistant:"));
    }

    protected override void AppendAnswer(List<ChatSegment> segments, string answer)
    {
        segments.Add(Answer($" {answer}{EndOfAnswerToken}"));
        segments.Add(Prompt("\n"));
    }
}
