using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Tests.Tasks;

public class GroundingJsonTests
{
    private static readonly PhraseGrounding PageExample = new(
        "A red car parked next to two people",
        [
            new GroundedPhrase("A red car", [new BoundingBox(120, 340, 580, 670)]),
            new GroundedPhrase("two people", [new BoundingBox(600, 280, 750, 720), new BoundingBox(780, 290, 920, 710)]),
        ]);

    [Fact]
    public void Writer_uses_the_pages_layout_on_one_line()
    {
        Assert.Equal(
            "{\"phrase_grounding\": {\"sentence\": \"A red car parked next to two people\", \"groundings\": [" +
            "{\"phrase\": \"A red car\", \"grounding\": [[120,340,580,670]]}, " +
            "{\"phrase\": \"two people\", \"grounding\": [[600,280,750,720],[780,290,920,710]]}]}}",
            GroundingJsonWriter.Write(PageExample));
    }

    [Fact]
    public void Writer_escapes_quotes_and_control_characters_but_keeps_other_text()
    {
        var grounding = new PhraseGrounding("a \"big\" café\n", [new GroundedPhrase("x\\y", [new BoundingBox(0, 0, 1.5, 2)])]);
        string json = GroundingJsonWriter.Write(grounding);
        Assert.Contains("\"a \\\"big\\\" café\\n\"", json, StringComparison.Ordinal);
        Assert.Contains("\"x\\\\y\"", json, StringComparison.Ordinal);
        Assert.Contains("[[0,0,1.5,2]]", json, StringComparison.Ordinal);
        Assert.Equal(grounding, GroundingAnswerParser.Parse(json).Value);
    }

    [Fact]
    public void Parser_reads_the_pages_multi_line_example_back()
    {
        const string text = """
            {
              "phrase_grounding": {
                "sentence": "A red car parked next to two people",
                "groundings": [
                  {"phrase": "A red car", "grounding": [[120,340,580,670]]},
                  {"phrase": "two people", "grounding": [[600,280,750,720],[780,290,920,710]]}
                ]
              }
            }
            """;
        GroundingParseResult result = GroundingAnswerParser.Parse(text);
        Assert.True(result.IsValid, result.Error?.ToString());
        Assert.Equal(PageExample, result.Value);
    }

    [Fact]
    public void Parser_accepts_keys_in_any_order()
    {
        const string text = "{\"phrase_grounding\": {\"groundings\": [{\"grounding\": [[1,2,3,4]], \"phrase\": \"p\"}], \"sentence\": \"s\"}}";
        Assert.Equal(new PhraseGrounding("s", [new GroundedPhrase("p", [new BoundingBox(1, 2, 3, 4)])]), GroundingAnswerParser.Parse(text).Value);
    }

    [Theory]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\"}}", GroundingErrorKind.MissingField, "$.phrase_grounding.groundings")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": 3, \"groundings\": []}}", GroundingErrorKind.WrongType, "$.phrase_grounding.sentence")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[5,2,3,4]]}]}}", GroundingErrorKind.InvertedBox, "$.phrase_grounding.groundings[0].grounding[0]")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[1,2,3]]}]}}", GroundingErrorKind.WrongType, "$.phrase_grounding.groundings[0].grounding[0]")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": []}]}}", GroundingErrorKind.EmptyValue, "$.phrase_grounding.groundings[0].grounding")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \" \", \"grounding\": [[1,2,3,4]]}]}}", GroundingErrorKind.EmptyValue, "$.phrase_grounding.groundings[0].phrase")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [], \"extra\": 1}}", GroundingErrorKind.UnknownField, "$.phrase_grounding.extra")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"sentence\": \"t\", \"groundings\": []}}", GroundingErrorKind.DuplicateField, "$.phrase_grounding.sentence")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[-1,2,3,4]]}]}}", GroundingErrorKind.NegativeCoordinate, "$.phrase_grounding.groundings[0].grounding[0]")]
    [InlineData("[1, 2]", GroundingErrorKind.WrongType, "$")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": []}} trailing", GroundingErrorKind.InvalidJson, "$")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [],}}", GroundingErrorKind.InvalidJson, "$")]
    public void Parser_says_what_is_wrong_and_where(string text, GroundingErrorKind kind, string path)
    {
        GroundingParseResult result = GroundingAnswerParser.Parse(text);
        Assert.False(result.IsValid);
        Assert.Equal(kind, result.Error!.Kind);
        Assert.Equal(path, result.Error.Path);
    }

    [Fact]
    public void An_inverted_box_message_names_the_rule()
    {
        GroundingParseResult result = GroundingAnswerParser.Parse(
            "{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[5,2,3,4]]}]}}");
        Assert.Contains("x1 < x2", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 2, 3, 4]", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_reports_its_position()
    {
        GroundingParseResult result = GroundingAnswerParser.Parse("{\"phrase_grounding\": {\"sentence\" \"s\"}}");
        Assert.Equal(GroundingErrorKind.InvalidJson, result.Error!.Kind);
        Assert.Contains("line 1, position", result.Error.Message, StringComparison.Ordinal);
    }
}
