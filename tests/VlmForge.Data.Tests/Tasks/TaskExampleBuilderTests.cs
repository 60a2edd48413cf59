using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Tests.Tasks;

public class TaskExampleBuilderTests
{
    private static readonly DatasetRecord Record = new()
    {
        SourceFile = "train.jsonl",
        LineNumber = 3,
        Id = "r1",
        ImageReference = "a.png",
        ImagePath = "/data/a.png",
        ImageSize = new ImageSize(128, 128),
        Grounding = new PhraseGrounding("a red circle", [new GroundedPhrase("a red circle", [new BoundingBox(10, 20, 30, 41)])]),
        Questions = [new QuestionAnswer("How many?", "1"), new QuestionAnswer("What color?", "red")],
        Captions = ["A red circle.", "Red circle."],
    };

    [Fact]
    public void Records_become_examples_per_selected_task_in_a_fixed_order()
    {
        var builder = new TaskExampleBuilder(new SquareImageBoxConvention(64));
        IReadOnlyList<TaskExample> examples = builder.Build([Record], TaskKinds.All);
        Assert.Equal([TaskKind.Grounding, TaskKind.Vqa, TaskKind.Vqa, TaskKind.Caption], examples.Select(e => e.Task));
        // 10, 20, 30, 41 halved: 5, 10, 15, 20.5 → 21 (halves away from zero).
        Assert.Equal(
            "{\"phrase_grounding\": {\"sentence\": \"a red circle\", \"groundings\": [{\"phrase\": \"a red circle\", \"grounding\": [[5,10,15,21]]}]}}",
            examples[0].Answer);
        Assert.Equal(Record.Grounding, examples[0].ReferenceGrounding);
        Assert.Equal(("What color?", "red", "red"), (examples[2].UserText, examples[2].Answer, examples[2].ReferenceAnswer));
        Assert.Equal(["A red circle.", "Red circle."], examples[3].ReferenceCaptions);
        Assert.Equal("A red circle.", examples[3].Answer);

        Assert.Equal([TaskKind.Vqa, TaskKind.Vqa], builder.Build([Record], [TaskKind.Vqa]).Select(e => e.Task));
        Assert.Empty(builder.Build([Record with { Captions = [] }], [TaskKind.Caption]));
    }

    [Theory]
    [InlineData("grounding", new[] { TaskKind.Grounding })]
    [InlineData("VQA", new[] { TaskKind.Vqa })]
    [InlineData("grounding+vqa", new[] { TaskKind.Grounding, TaskKind.Vqa })]
    [InlineData("caption, grounding", new[] { TaskKind.Caption, TaskKind.Grounding })]
    [InlineData("all", new[] { TaskKind.Grounding, TaskKind.Vqa, TaskKind.Caption })]
    public void Dataset_task_values_parse_to_task_kinds(string value, TaskKind[] expected)
    {
        Assert.Equal(expected, TaskKinds.Parse(value));
    }

    [Fact]
    public void An_unknown_task_lists_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => TaskKinds.Parse("grounding+ocr"));
        Assert.Contains("'ocr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("grounding, vqa or caption", ex.Message, StringComparison.Ordinal);
    }
}
