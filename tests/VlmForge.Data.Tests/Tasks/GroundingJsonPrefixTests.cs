using VlmForge.Data.Geometry;
using VlmForge.Data.Randomness;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Tests.Tasks;

public class GroundingJsonPrefixTests
{
    private static readonly GroundingConstraintOptions Square64 = GroundingConstraintOptions.ForSquareImage(64);

    private static readonly string Answer = GroundingJsonWriter.Write(new PhraseGrounding(
        "a red circle to the left of a blue square",
        [
            new GroundedPhrase("a red circle", [new BoundingBox(3, 10, 20, 27)]),
            new GroundedPhrase("a blue square", [new BoundingBox(30, 5, 64, 40), new BoundingBox(0, 0, 1, 1)]),
        ]));

    [Fact]
    public void Every_proper_prefix_of_a_valid_answer_is_a_prefix_and_the_whole_is_complete()
    {
        for (int length = 0; length < Answer.Length; length++)
        {
            Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(Answer[..length], Square64));
        }

        Assert.Equal(PrefixStatus.Complete, GroundingJsonPrefix.Check(Answer, Square64));
        Assert.Equal(PrefixStatus.Complete, GroundingJsonPrefix.Check(Answer + " \n", Square64));
    }

    [Fact]
    public void Blanks_may_not_come_before_the_answer_or_run_on_between_its_tokens()
    {
        Assert.NotEqual(PrefixStatus.Prefix, GroundingJsonPrefix.Check(" {", Square64));
        Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check("{" + new string(' ', 16) + "\"phrase_grounding\"", Square64));
        Assert.NotEqual(PrefixStatus.Prefix, GroundingJsonPrefix.Check("{" + new string(' ', 17), Square64));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("{\"phrase_groundinx")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"\"")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"sentence\"")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\"}")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": []")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[01")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[1,2,3,4,")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[1.")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[-")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"a\tb\"")]
    [InlineData("{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": []}} {")]
    public void Dead_ends_are_rejected(string text)
    {
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(text, Square64));
    }

    [Fact]
    public void Coordinates_must_stay_inside_the_model_image_and_keep_the_corner_order()
    {
        const string head = "{\"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[";
        Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(head + "6", Square64));
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(head + "65", Square64));
        // x1 = 64 leaves no room for x2 ≤ 64.
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(head + "64,", Square64));
        // x1 = 50: "3" can only grow into 30..39 (too small) or 300+ (too large).
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(head + "50,2,3", Square64));
        // "5" can still become 51..59.
        Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(head + "50,2,5", Square64));
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(head + "50,2,5,", Square64));
        Assert.Equal(PrefixStatus.Invalid, GroundingJsonPrefix.Check(head + "50,20,60,20]", Square64));
        Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(head + "50,20,60,21]", Square64));
        // Without limits any size is fine.
        Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(head + "5000,", GroundingConstraintOptions.Unbounded));
    }

    [Fact]
    public void Keys_may_come_in_either_order_and_an_empty_groundings_list_is_complete()
    {
        Assert.Equal(PrefixStatus.Complete, GroundingJsonPrefix.Check(
            "{\"phrase_grounding\": {\"groundings\": [{\"grounding\": [[1,2,3,4]], \"phrase\": \"p\"}], \"sentence\": \"s\"}}"));
        Assert.Equal(PrefixStatus.Complete, GroundingJsonPrefix.Check("{\"phrase_grounding\":{\"sentence\":\"s\",\"groundings\":[]}}"));
        Assert.Equal(PrefixStatus.Complete, GroundingJsonPrefix.Check("{\"phrase_grounding\": {\"sentence\": \"\\u0041 \\\"q\\\"\", \"groundings\": []}}"));
    }

    [Fact]
    public void Checker_and_strict_parser_agree_on_mutated_answers()
    {
        var random = new SplitMix64(7);
        const string alphabet = "{}[],:\" 0123456789abpx\\";
        int completes = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            char[] text = Answer.ToCharArray();
            int edits = random.NextInt(1, 2);
            for (int e = 0; e < edits; e++)
            {
                text[random.NextInt(text.Length)] = alphabet[random.NextInt(alphabet.Length)];
            }

            string mutated = new(text);
            bool complete = GroundingJsonPrefix.Check(mutated, Square64) == PrefixStatus.Complete;
            GroundingParseResult parsed = GroundingAnswerParser.Parse(mutated);
            bool parserValidInBounds = parsed.IsValid && parsed.Value!.Groundings.SelectMany(g => g.Boxes).All(b => b.X2 <= 64 && b.Y2 <= 64);
            // The checker accepts no escapes in keys, where the parser would; elsewhere they must agree both ways.
            bool escapedKeyPossible = mutated.Contains('\\', StringComparison.Ordinal);
            bool agree = escapedKeyPossible ? !complete || parserValidInBounds : complete == parserValidInBounds;
            Assert.True(agree, $"checker says {(complete ? "complete" : "not complete")}, parser says {(parsed.IsValid ? "valid" : parsed.Error!.ToString())}: {mutated}");
            completes += complete ? 1 : 0;
        }

        // Some mutations (changed digits, spaces) keep the answer valid; most break it.
        Assert.InRange(completes, 50, 2950);
    }
}
