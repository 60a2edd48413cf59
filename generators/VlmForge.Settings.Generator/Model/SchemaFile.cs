namespace VlmForge.Settings.Generator.Model;

/// <summary>A schema's path and text, read once from the additional file.</summary>
internal sealed record SchemaFile(string Path, string Text);
