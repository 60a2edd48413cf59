namespace VlmForge.Data.Tasks;

/// <summary>The three tasks a dataset record can carry.</summary>
public enum TaskKind
{
    Grounding,
    Vqa,
    Caption,
}
