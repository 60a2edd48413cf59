using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Models.Modeling;

namespace VlmForge.Engine.Generation;

/// <summary>
/// Answers conversation prompts (image + user text): encodes each as training did, batches them with left padding, and
/// generates until the chat template's end-of-answer token. Grounding prompts can be constrained to valid JSON whose
/// coordinates lie inside the model's image.
/// </summary>
/// <example>
/// <code>
/// var generator = new PromptGenerator(new GenerationContext(model, encoder, collator));
/// using var sampler = plugins.Sampler(settings.Evaluation.Sampler).Create(samplingOptions);
/// var prompt = GenerationPrompt.FromImageFile("cat.png", "Where is the cat?", preprocessor, conventions.Boxes);
/// var answer = generator.Generate([prompt], sampler, new GenerationOptions { MaxNewTokens = 256 }, batchSize: 1).Rows[0].Text;
/// </code>
/// </example>
public sealed class PromptGenerator
{
    private readonly GenerationContext _context;
    private readonly TextGenerator _generator;
    private readonly Dictionary<GroundingConstraintOptions, Stack<GroundingOutputConstraint>> _spareConstraints = [];
    private string?[]? _tokenTexts;

    public PromptGenerator(GenerationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Validate();
        _context = context;
        _generator = new TextGenerator(context.Model, context.Encoder.Tokenizer, context.Encoder.EndOfAnswerTokenId, context.Device);
    }

    /// <summary>The context this generator runs in.</summary>
    public GenerationContext Context => _context;

    /// <summary>
    /// Generates an answer for every prompt, <paramref name="batchSize"/> at a time in the given order; the result's rows
    /// are in prompt order and its timing covers every batch. Puts the model in evaluation mode.
    /// </summary>
    public GenerationResult Generate(IReadOnlyList<GenerationPrompt> prompts, ISampler sampler, GenerationOptions options, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        options.Validate();
        _context.Model.train(false);

        var rows = new List<GeneratedSequence>(prompts.Count);
        var timing = GenerationTiming.Zero;
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            var chunk = prompts.Skip(start).Take(batchSize).ToArray();
            var result = GenerateBatch(chunk, sampler, options);
            rows.AddRange(result.Rows);
            timing = timing.Add(result.Timing);
        }
        return new GenerationResult(rows, timing);
    }

    private GenerationResult GenerateBatch(GenerationPrompt[] prompts, ISampler sampler, GenerationOptions options)
    {
        var encoder = _context.Encoder;
        var items = prompts.Select(p => new CollateItem(p.Image, encoder.EncodeGenerationPrompt(p.UserText, p.Image))).ToArray();
        var constraints = prompts.Select(p => p.ConstrainGrounding ? Rent(p) : null).ToArray();
        try
        {
            using var batch = _context.Collator.CollateForGeneration(items);
            var inputs = new VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask, ImageSizes: Pipeline.BatchInputs.Extents(batch.ImageSizes));
            return _generator.Generate(inputs, sampler, options, constraints.Any(c => c is not null) ? constraints : null);
        }
        finally
        {
            foreach (var constraint in constraints)
            {
                if (constraint is not null)
                {
                    Return(constraint);
                }
            }
        }
    }

    /// <summary>
    /// A constraint for the prompt's image size (a split image's global view, in whose pixels boxes are written). Constraints are kept and reset between batches because each one
    /// indexes the whole vocabulary, which is costly to rebuild for large vocabularies.
    /// </summary>
    private GroundingOutputConstraint Rent(GenerationPrompt prompt)
    {
        var options = new GroundingConstraintOptions(prompt.Image.View.Width, prompt.Image.View.Height);
        if (_spareConstraints.TryGetValue(options, out var spare) && spare.TryPop(out var constraint))
        {
            return constraint;
        }
        _tokenTexts ??= _context.TokenTexts();
        return new GroundingOutputConstraint(_tokenTexts, _context.Encoder.EndOfAnswerTokenId, options);
    }

    private void Return(GroundingOutputConstraint constraint)
    {
        constraint.Reset();
        if (!_spareConstraints.TryGetValue(constraint.Options, out var spare))
        {
            _spareConstraints[constraint.Options] = spare = new Stack<GroundingOutputConstraint>();
        }
        spare.Push(constraint);
    }
}
