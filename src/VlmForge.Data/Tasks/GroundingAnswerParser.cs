using System.Text.Json;

namespace VlmForge.Data.Tasks;

/// <summary>The outcome of parsing a generated grounding answer.</summary>
public sealed record GroundingParseResult(PhraseGrounding? Value, GroundingFormatError? Error)
{
    public bool IsValid => Value is not null;
}

/// <summary>
/// Strict parser for generated grounding answers: the whole text (surrounding whitespace allowed) must be
/// one JSON document of the page's shape; anything else is reported with what and where.
/// </summary>
public static class GroundingAnswerParser
{
    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static GroundingParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Strict);
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is long line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            return new GroundingParseResult(null, new GroundingFormatError(GroundingErrorKind.InvalidJson, "$", $"not valid JSON{where}: {FirstSentence(ex.Message)}"));
        }

        using (document)
        {
            try
            {
                PhraseGrounding? value = GroundingJsonReader.ReadDocument(document.RootElement, out GroundingFormatError? error);
                return new GroundingParseResult(value, error);
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json parses "\ud800" but cannot turn it into a string: a lone surrogate is not Unicode.
                return new GroundingParseResult(null, new GroundingFormatError(GroundingErrorKind.InvalidJson, "$", $"not valid JSON: {ex.Message}"));
            }
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
