using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Generation;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Generation;

[Collection(TinyVlmCollection.Name)]
public class GenerationInputsTests(TinyVlmFixture fixture)
{
    [Fact]
    public void An_image_file_is_prepared_exactly_as_the_dataset_pipeline_prepares_it()
    {
        var example = fixture.ValidationOf(TaskKind.Vqa)[0];
        var preprocessor = new ImagePreprocessor(fixture.Conventions.Normalization);

        var prompt = GenerationPrompt.FromImageFile(example.Record.ImagePath, example.UserText, preprocessor, fixture.Conventions.Boxes);

        Assert.Equal(example.Record.ImageSize, prompt.OriginalSize);
        Assert.Equal(fixture.Images.Get(example.Record).Pixels, prompt.Image.Pixels);
        using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy);
        var fromFile = new PromptGenerator(fixture.Context).Generate([prompt], sampler, new GenerationOptions { MaxNewTokens = 6 }, batchSize: 1);
        using var again = fixture.Sampler.Create(TinyVlmFixture.Greedy);
        var fromDataset = new PromptGenerator(fixture.Context).Generate([fixture.Prompt(example)], again, new GenerationOptions { MaxNewTokens = 6 }, batchSize: 1);
        Assert.Equal(fromDataset.Rows[0].TokenIds, fromFile.Rows[0].TokenIds);
    }

    [Fact]
    public void An_encoder_built_for_another_image_token_count_is_refused()
    {
        var encoder = new ConversationEncoder(fixture.Tokenizer, fixture.Conventions.Template, fixture.Config.ImageTokenCount + 1, TinyVlmFixture.SystemPrompt);

        var error = Assert.Throws<ArgumentException>(() => new PromptGenerator(fixture.Context with { Encoder = encoder }));

        Assert.Contains($"expects {fixture.Config.ImageTokenCount}", error.Message);
    }

    [Fact]
    public void Evaluation_settings_take_the_evaluation_section_as_written()
    {
        var settings = EvaluationSettings.From(EvaluationOptions.Default with { MaxExamples = 200, ConstrainJson = true }, batchSize: 8);

        Assert.Equal(512, settings.MaxNewTokens);
        Assert.Equal(new Abstractions.Sampling.SamplingOptions(DoSample: true, Temperature: 1.0, TopK: 50, TopP: 0.95, RepetitionPenalty: 1.05, Seed: 42),
            settings.Sampling);
        Assert.True(settings.ConstrainJson);
        Assert.Equal(8, settings.BatchSize);
        Assert.Equal(200, settings.Select(Enumerable.Range(0, 500).ToArray()).Count);
        Assert.Equal(Enumerable.Range(0, 200), settings.Select(Enumerable.Range(0, 500).ToArray()));
        Assert.Equal(30, (settings with { MaxExamples = 0 }).Select(Enumerable.Range(0, 30).ToArray()).Count);
    }
}
