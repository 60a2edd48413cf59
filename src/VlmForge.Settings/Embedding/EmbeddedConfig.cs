using System.Reflection;
using System.Security.Cryptography;
using VlmForge.Settings.Loading;

namespace VlmForge.Settings.Embedding;

/// <summary>
/// The workflow config baked into an assembly at build time (build/Settings.targets, <c>VlmForgeEmbedsConfig</c>):
/// its bytes are the resource <see cref="ResourceName"/>, its SHA-256 and file name are AssemblyMetadata attributes.
/// `vlmforge train` uses it when no --config is given; `vlmforge --version` prints its hash.
/// </summary>
/// <param name="FileName">The config's file name at build time (no folders, so builds do not depend on the clone's path).</param>
/// <param name="Bytes">The config file's bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes, as recorded by the build.</param>
public sealed record EmbeddedConfig(string FileName, byte[] Bytes, string Sha256)
{
    /// <summary>Manifest resource name of the embedded config.</summary>
    public const string ResourceName = "VlmForge.Config.toml";

    /// <summary>AssemblyMetadata key of the hash.</summary>
    public const string Sha256Key = "VlmForgeConfigSha256";

    /// <summary>AssemblyMetadata key of the file name.</summary>
    public const string FileNameKey = "VlmForgeConfigFile";

    /// <summary>The config embedded in <paramref name="assembly"/>, or <see langword="null"/> when it has none.</summary>
    /// <exception cref="InvalidDataException">The embedded bytes do not match the hash the build recorded.</exception>
    public static EmbeddedConfig? Find(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();

        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var recorded = metadata.GetValueOrDefault(Sha256Key);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (recorded is not null && !string.Equals(recorded, actual, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The config embedded in {assembly.GetName().Name} has SHA-256 {actual}, but the build recorded {recorded}; rebuild the binary.");
        return new EmbeddedConfig(metadata.GetValueOrDefault(FileNameKey) ?? "vlmforge.toml", bytes, actual);
    }

    /// <summary>
    /// Loads and validates the embedded config. Its location is shown as <c>&lt;embedded&gt;/name</c>; relative paths
    /// in it are relative to <paramref name="baseDirectory"/> (default: the current directory).
    /// </summary>
    public WorkflowLoadResult Load(IPluginNames? plugins = null, string? baseDirectory = null) =>
        WorkflowLoader.LoadBytes(Bytes, $"<embedded>/{FileName}", plugins, baseDirectory);
}
