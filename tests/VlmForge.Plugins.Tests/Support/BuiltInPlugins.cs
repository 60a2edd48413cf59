using VlmForge.Engine.Plugins;

namespace VlmForge.Plugins.Tests.Support;

/// <summary>The built-in plugins, loaded once through the host from this test's output folder.</summary>
public sealed class BuiltInPlugins : IDisposable
{
    public PluginCatalog Catalog { get; } = PluginCatalog.Load([]);

    public void Dispose() => Catalog.Dispose();
}

[CollectionDefinition(Name)]
public sealed class BuiltInPluginsCollection : ICollectionFixture<BuiltInPlugins>
{
    public const string Name = "built-in plugins";
}
