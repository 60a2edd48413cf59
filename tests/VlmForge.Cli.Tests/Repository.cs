namespace VlmForge.Cli.Tests;

/// <summary>The repository these tests were built from.</summary>
internal static class Repository
{
    /// <summary>The committed tiny base the default workflow fine-tunes (vlmforge.toml's model.path).</summary>
    public static string TinyShapesBase() => Path.Combine(Root(), "models", "tiny-shapes-base");

    /// <summary>
    /// The repository's vlmforge.toml for a copy in another folder: its relative model.path made absolute, its
    /// dataset in <paramref name="data"/>.
    /// </summary>
    public static string DefaultWorkflow(string data)
    {
        var toml = File.ReadAllText(Path.Combine(Root(), "vlmforge.toml"));
        toml = TomlEdit.Set(toml, "model", "path", TomlEdit.Quoted(TinyShapesBase()));
        return TomlEdit.Set(toml, "dataset", "path", TomlEdit.Quoted(data));
    }

    /// <summary>The folder holding VlmForge.sln, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }
}
