namespace VlmForge.Data.Tasks;

/// <summary>What kind of mistake a phrase-grounding JSON value has.</summary>
public enum GroundingErrorKind
{
    InvalidJson,
    MissingField,
    WrongType,
    UnknownField,
    DuplicateField,
    EmptyValue,
    InvertedBox,
    NegativeCoordinate,
}

/// <summary>One mistake, with the JSON path where it is (for example <c>$.phrase_grounding.groundings[1].grounding[0]</c>).</summary>
public sealed record GroundingFormatError(GroundingErrorKind Kind, string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
