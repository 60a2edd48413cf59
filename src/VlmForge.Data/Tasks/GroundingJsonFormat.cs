namespace VlmForge.Data.Tasks;

/// <summary>The key names of the page's phrase-grounding JSON, in the order the writer emits them.</summary>
public static class GroundingJsonFormat
{
    public const string Root = "phrase_grounding";
    public const string Sentence = "sentence";
    public const string Groundings = "groundings";
    public const string Phrase = "phrase";
    public const string Grounding = "grounding";
}
