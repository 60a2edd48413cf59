namespace VlmForge.Models.Vision;

/// <summary>How a ViT turns pixels into patch vectors.</summary>
public enum VisionStem
{
    /// <summary>One linear projection per patch (a convolution with kernel = stride = patch size), as ViT/SigLIP.</summary>
    Linear,

    /// <summary>2x2 steps with GELUs between them (<see cref="HierarchicalPatchStem"/>); faster to learn from scratch.</summary>
    Hierarchical,
}
