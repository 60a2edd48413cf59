using TorchSharp;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;

namespace VlmForge.Engine.Tests.Generation;

[Collection(TinyVlmCollection.Name)]
public class TextGeneratorTests(TinyVlmFixture fixture)
{
    private GenerationPrompt[] VqaPrompts(int count) =>
        fixture.ValidationOf(TaskKind.Vqa).Take(count).Select(e => fixture.Prompt(e)).ToArray();

    private int WordToken(string word) => fixture.Tokenizer.Encode(word).Single();

    [Fact]
    public void Rows_without_an_end_token_stop_after_exactly_max_new_tokens()
    {
        int red = WordToken(" red");
        var sampler = new ScriptedSampler((_, _) => red);
        var generator = new PromptGenerator(fixture.Context);

        var result = generator.Generate(VqaPrompts(3), sampler, new GenerationOptions { MaxNewTokens = 7 }, batchSize: 3);

        Assert.All(result.Rows, row =>
        {
            Assert.Equal(Enumerable.Repeat(red, 7), row.TokenIds);
            Assert.Equal(StopReason.MaxNewTokens, row.StopReason);
            Assert.Equal(string.Concat(Enumerable.Repeat(" red", 7)), row.Text);
        });
        Assert.Equal(7, result.Timing.Steps);
        Assert.Equal(21, result.Timing.Tokens);
        Assert.Equal(7, sampler.PreviousTokens.Count);
    }

    [Fact]
    public void A_row_ends_on_its_end_token_while_the_others_run_on_and_the_penalty_sees_only_generated_tokens()
    {
        int eos = fixture.Tokenizer.EndOfSequenceId;
        int blue = WordToken(" blue");
        // Row 0 ends at its third token; row 1 never does.
        var sampler = new ScriptedSampler((row, step) => row == 0 && step == 2 ? eos : blue + step);
        var generator = new PromptGenerator(fixture.Context);

        var result = generator.Generate(VqaPrompts(2), sampler, new GenerationOptions { MaxNewTokens = 5 }, batchSize: 2);

        Assert.Equal([blue, blue + 1, eos], result.Rows[0].TokenIds);
        Assert.Equal(StopReason.EndToken, result.Rows[0].StopReason);
        Assert.Equal(fixture.Tokenizer.Decode([blue, blue + 1]), result.Rows[0].Text);
        Assert.Equal([blue, blue + 1, blue + 2, blue + 3, blue + 4], result.Rows[1].TokenIds);
        Assert.Equal(StopReason.MaxNewTokens, result.Rows[1].StopReason);
        // The repetition penalty gets, at step t, the t tokens each row generated before (no prompt tokens).
        Assert.Equal([0, 1, 2, 3, 4], sampler.PreviousTokens.Select(p => p.GetLength(1)));
        Assert.Equal(new long[,] { { blue, blue + 1, eos }, { blue, blue + 1, blue + 2 } }, sampler.PreviousTokens[3]);
    }

    [Fact]
    public void Greedy_answers_with_the_kv_cache_equal_recomputing_the_whole_sequence()
    {
        var prompts = fixture.Validation.Take(6).Select(e => fixture.Prompt(e)).ToArray();
        var generator = new PromptGenerator(fixture.Context);
        var options = new GenerationOptions { MaxNewTokens = 24 };

        GenerationResult Run(GenerationMode mode)
        {
            using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy);
            return generator.Generate(prompts, sampler, options with { Mode = mode }, batchSize: 4);
        }

        var cached = Run(GenerationMode.Cached);
        var recomputed = Run(GenerationMode.Recompute);

        Assert.Equal(prompts.Length, cached.Rows.Count);
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(recomputed.Rows[i].TokenIds, cached.Rows[i].TokenIds);
            Assert.Equal(recomputed.Rows[i].StopReason, cached.Rows[i].StopReason);
        }
        // Long enough to mean something: the untrained model does not stop at once.
        Assert.True(cached.Rows.Sum(r => r.TokenIds.Count) >= 40, $"only {cached.Rows.Sum(r => r.TokenIds.Count)} tokens generated");
    }

    [Theory]
    [InlineData(false, 60)]
    [InlineData(true, 60)]
    [InlineData(true, 200)]
    public void Constrained_grounding_from_an_untrained_model_is_always_valid_json_inside_the_image(bool sample, int maxNewTokens)
    {
        var grounding = fixture.ValidationOf(TaskKind.Grounding).Select(e => fixture.Prompt(e, constrain: true));
        // An unconstrained VQA row in the same batch is left alone.
        var prompts = grounding.Append(fixture.Prompt(fixture.ValidationOf(TaskKind.Vqa)[0])).ToArray();
        var generator = new PromptGenerator(fixture.Context);
        using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy with { DoSample = sample, Temperature = 1.5, TopK = 0, TopP = 1.0, Seed = 9 });

        var result = generator.Generate(prompts, sampler, new GenerationOptions { MaxNewTokens = maxNewTokens }, batchSize: prompts.Length);

        foreach (var row in result.Rows.Take(prompts.Length - 1))
        {
            Assert.Equal(StopReason.EndToken, row.StopReason);
            Assert.True(row.TokenIds.Count <= maxNewTokens);
            var parsed = GroundingAnswerParser.Parse(row.Text);
            Assert.True(parsed.IsValid, $"'{row.Text}': {parsed.Error}");
            Assert.All(parsed.Value!.Groundings.SelectMany(g => g.Boxes), box =>
                Assert.True(box.IsWellFormed && box.IsInside(new Data.Geometry.ImageSize(TinyVlmFixture.ImageSize, TinyVlmFixture.ImageSize)), box.ToString()));
        }
    }

    [Theory]
    [InlineData(54)]
    [InlineData(55)]
    [InlineData(70)]
    [InlineData(120)]
    public void Random_choices_among_the_allowed_tokens_still_end_with_valid_json_when_the_limit_leaves_room(int maxNewTokens)
    {
        // 54 = the 53 characters of the shortest answer plus the end token.
        var example = fixture.ValidationOf(TaskKind.Grounding)[0];
        var prompts = Enumerable.Range(0, 12).Select(_ => fixture.Prompt(example, constrain: true)).ToArray();
        var generator = new PromptGenerator(fixture.Context);

        var result = generator.Generate(prompts, new RandomAllowedSampler(seed: maxNewTokens), new GenerationOptions { MaxNewTokens = maxNewTokens }, batchSize: 12);

        Assert.All(result.Rows, row =>
        {
            Assert.Equal(StopReason.EndToken, row.StopReason);
            Assert.True(GroundingAnswerParser.Parse(row.Text).IsValid, row.Text);
        });
        // The random choices differ between rows, so the budget was exercised on different texts.
        Assert.True(result.Rows.Select(r => r.Text).Distinct().Count() > 6);
    }

    [Fact]
    public void The_shortest_completion_of_an_empty_answer_is_the_budget_a_grounding_row_needs()
    {
        var constraint = new GroundingOutputConstraint(fixture.Context.TokenTexts(), fixture.Tokenizer.EndOfSequenceId,
            GroundingConstraintOptions.ForSquareImage(TinyVlmFixture.ImageSize));

        var completion = constraint.Completion();

        Assert.Equal("""{"phrase_grounding":{"groundings":[],"sentence":"]"}}""", completion);
        Assert.True(GroundingAnswerParser.Parse(completion!).IsValid);
        Assert.True(constraint.CanForceCompletion);
    }

    [Fact]
    public void A_limit_below_the_shortest_answer_runs_into_max_new_tokens_with_every_token_still_allowed()
    {
        var prompts = fixture.ValidationOf(TaskKind.Grounding).Take(2).Select(e => fixture.Prompt(e, constrain: true)).ToArray();
        var generator = new PromptGenerator(fixture.Context);
        using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy);

        var result = generator.Generate(prompts, sampler, new GenerationOptions { MaxNewTokens = 10 }, batchSize: 2);

        Assert.All(result.Rows, row =>
        {
            Assert.Equal(StopReason.MaxNewTokens, row.StopReason);
            Assert.Equal(10, row.TokenIds.Count);
            Assert.Equal(PrefixStatus.Prefix, GroundingJsonPrefix.Check(row.Text, GroundingConstraintOptions.ForSquareImage(TinyVlmFixture.ImageSize)));
        });
    }

    [Fact]
    public void Repeated_generation_leaves_no_tensor_behind()
    {
        var prompts = fixture.Validation.Take(4).Select(e => fixture.Prompt(e, constrain: e.Task == TaskKind.Grounding)).ToArray();
        var generator = new PromptGenerator(fixture.Context);
        using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy with { DoSample = true });
        foreach (var mode in new[] { GenerationMode.Cached, GenerationMode.Recompute })
        {
            generator.Generate(prompts, sampler, new GenerationOptions { MaxNewTokens = 8, Mode = mode }, batchSize: 4);
        }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 3; i++)
        {
            foreach (var mode in new[] { GenerationMode.Cached, GenerationMode.Recompute })
            {
                generator.Generate(prompts, sampler, new GenerationOptions { MaxNewTokens = 8, Mode = mode }, batchSize: 3);
            }
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Prompts_must_be_left_padded()
    {
        var items = VqaPrompts(2).Select(p => new Data.Batching.CollateItem(p.Image, fixture.Encoder.EncodeGenerationPrompt(p.UserText + " extra words"))).ToList();
        items[1] = items[1] with { Tokens = fixture.Encoder.EncodeGenerationPrompt("Short?") };
        using var batch = fixture.Collator.CollateForTraining(items);
        var generator = new TextGenerator(fixture.Model, fixture.Tokenizer, fixture.Tokenizer.EndOfSequenceId);
        using var sampler = fixture.Sampler.Create(TinyVlmFixture.Greedy);

        var error = Assert.Throws<ArgumentException>(() =>
            generator.Generate(new Models.Modeling.VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask), sampler, new GenerationOptions { MaxNewTokens = 4 }));

        Assert.Contains("left-padded", error.Message);
    }
}
