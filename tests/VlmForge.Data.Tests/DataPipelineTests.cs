using VlmForge.Data.Batching;
using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Images;
using VlmForge.Data.Synthetic;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Tests;

/// <summary>The whole data side as the engine uses it: synth → load → examples → tokenizer → batch.</summary>
public class DataPipelineTests
{
    [Fact]
    public void Synthetic_data_becomes_model_ready_batches()
    {
        using var folder = new TempFolder();
        ShapesDatasetGenerator.Generate(folder.Path, new ShapesDatasetOptions { ImageSize = 64, TrainCount = 6, ValidationCount = 2 });
        DatasetLoadResult train = JsonlDatasetLoader.Load(DatasetLayout.FromPath(folder.Path).TrainFile);

        FamilyDataConventions family = FamilyDataConventions.Tiny(imageSize: 32);
        var builder = new TaskExampleBuilder(family.Boxes);
        IReadOnlyList<TaskExample> examples = builder.Build(train.Records, [TaskKind.Grounding, TaskKind.Vqa]);
        Assert.Equal(6 + train.Records.Sum(r => r.Questions.Count), examples.Count);

        // Boxes in the answers are pixels of the 32 px model image: the 64 px originals halved.
        TaskExample grounding = examples.First(e => e.Task == TaskKind.Grounding);
        var modelBox = GroundingAnswerParser.Parse(grounding.Answer).Value!.Groundings[0].Boxes[0];
        var originalBox = grounding.ReferenceGrounding!.Groundings[0].Boxes[0];
        Assert.Equal(Math.Round(originalBox.X1 / 2, MidpointRounding.AwayFromZero), modelBox.X1);

        const string system = "You are a precise visual assistant.";
        TinyTokenizer tokenizer = TinyTokenizer.Build(TaskExampleBuilder.Texts(examples, system), new TinyTokenizerOptions { MaxNumber = 32 });
        var encoder = new ConversationEncoder(tokenizer, family.Template, imageTokenCount: 16, system);
        var preprocessor = new ImagePreprocessor(family.Normalization);
        var items = examples.Take(4)
            .Select(e => new CollateItem(preprocessor.Load(e.Record, family.Boxes), encoder.EncodeTraining(e.UserText, e.Answer)))
            .ToList();

        using VlmBatch batch = new BatchCollator(tokenizer.PadId).CollateForTraining(items);
        Assert.Equal([4L, 3L, 32L, 32L], batch.PixelValues.shape);
        Assert.Equal(items.Max(i => i.Tokens.Length), batch.SequenceLength);
        Assert.Equal(4 * 16, batch.InputIds.eq(tokenizer.ImageId).sum().item<long>());
        Assert.Equal(items.Sum(i => i.Tokens.AnswerTokenCount), batch.Labels.ne(ConversationEncoder.IgnoreIndex).sum().item<long>());
    }

    [Fact]
    public void Each_family_declares_its_template_normalization_and_boxes()
    {
        FamilyDataConventions qwen = FamilyDataConventions.Qwen25Vl();
        Assert.Equal("<|image_pad|>", qwen.Template.ImageToken);
        Assert.Same(ImageNormalization.OpenAiClip, qwen.Normalization);
        Assert.Equal(new Data.Geometry.ImageSize(1036, 756), qwen.Boxes.ModelImageSize(new Data.Geometry.ImageSize(1024, 768)));

        FamilyDataConventions tiny = FamilyDataConventions.Tiny(64);
        Assert.Equal(new Data.Geometry.ImageSize(64, 64), tiny.Boxes.ModelImageSize(new Data.Geometry.ImageSize(300, 200)));
        Assert.Same(ImageNormalization.Symmetric, FamilyDataConventions.SmolVlm(512).Normalization);
    }
}
