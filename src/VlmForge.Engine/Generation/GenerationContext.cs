using VlmForge.Data.Batching;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Generation;

/// <summary>
/// The model and the data pieces that must match it for generation and evaluation: the encoder (tokenizer, chat
/// template, image token count, system prompt), the collator (pad id) and the device the model's weights are on.
/// </summary>
/// <param name="Model">The model (put in evaluation mode by the generators).</param>
/// <param name="Encoder">Builds prompts exactly as training encoded them; its end-of-answer token stops generation.</param>
/// <param name="Collator">Pads prompts (left) and training examples (right).</param>
public sealed record GenerationContext(IVisionLanguageModel Model, ConversationEncoder Encoder, BatchCollator Collator)
{
    /// <summary>Where the model's weights are; null = the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Throws when the encoder does not fit the model.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentNullException.ThrowIfNull(Encoder);
        ArgumentNullException.ThrowIfNull(Collator);
        if (Encoder.ImageTokenCount != Model.ImageTokenCount || Encoder.ImageTokenId != Model.ImageTokenId)
        {
            throw new ArgumentException(
                $"The encoder writes {Encoder.ImageTokenCount} placeholders of token {Encoder.ImageTokenId} per image, but the model expects " +
                $"{Model.ImageTokenCount} of token {Model.ImageTokenId}. Build the encoder with the model's image token count and tokenizer.",
                nameof(Encoder));
        }
        if (Encoder.Tokenizer.VocabularySize > Model.VocabSize)
        {
            throw new ArgumentException(
                $"The tokenizer has {Encoder.Tokenizer.VocabularySize} tokens but the model's vocabulary only {Model.VocabSize}.", nameof(Encoder));
        }
    }

    /// <summary>The text of every logit's token (null for special tokens and ids past the tokenizer), for constraints.</summary>
    public string?[] TokenTexts()
    {
        var tokenizer = Encoder.Tokenizer;
        var texts = new string?[Model.VocabSize];
        for (int id = 0; id < tokenizer.VocabularySize; id++)
        {
            texts[id] = tokenizer.TokenText(id);
        }
        return texts;
    }
}
