namespace VlmForge.Plugins.Optimizers;

/// <summary>The values one Adam or AdamW optimizer runs with: its own table's betas and eps, and the host's weight decay.</summary>
internal sealed record AdamSettings(double Beta1, double Beta2, double Epsilon, double WeightDecay);
