using McMaster.NETCore.Plugins;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Precision;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Sampling;
using VlmForge.Abstractions.Settings;
using VlmForge.Engine.Plugins.Guards;
using VlmForge.Settings;
using VlmForge.Settings.Loading;

namespace VlmForge.Engine.Plugins;

/// <summary>
/// The plugins this process can use, by kind and name. <see cref="Load"/> reads every plugin folder (the built-in
/// ones beside the host and any the caller names), each in its own load context that shares the contracts and
/// TorchSharp with the host. A folder or plugin that fails is listed in <see cref="Failures"/> and the rest load.
/// </summary>
/// <example>
/// <code>
/// using var plugins = PluginCatalog.Load(extraFolders: []);
/// var settings = WorkflowLoader.LoadFile("vlmforge.toml", plugins).GetSettingsOrThrow(); // each selected plugin binds its table
/// using var optimizer = plugins.Optimizer("adamw").Create(trainable, hyperparameters);
/// var policy = plugins.Precision("bf16").Create();
/// </code>
/// </example>
public sealed class PluginCatalog : IPluginNames, IDisposable
{
    private readonly List<PluginLoader> _loaders;
    private readonly Dictionary<string, LoadedPlugin> _byName;

    private PluginCatalog(IReadOnlyList<string> searchedFolders, List<LoadedPlugin> plugins, List<PluginFailure> failures,
        List<PluginConflict> conflicts, List<PluginLoader> loaders)
    {
        SearchedFolders = searchedFolders;
        Plugins = [.. plugins.OrderBy(p => p.Kind).ThenBy(p => p.Name, StringComparer.Ordinal)];
        Failures = failures;
        Conflicts = conflicts;
        _loaders = loaders;
        _byName = plugins.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Where the built-in plugins live: <c>&lt;host folder&gt;/plugins</c>, one folder per plugin assembly.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Environment variable with extra plugin folders, separated by <see cref="Path.PathSeparator"/>; hosts pass them to
    /// <see cref="Load"/> after the folders given on their command line.
    /// </summary>
    public const string FoldersVariable = "VLMFORGE_PLUGINS";

    /// <summary>The folders named by <see cref="FoldersVariable"/>, in order; empty when it is unset.</summary>
    public static IReadOnlyList<string> FoldersFromEnvironment() =>
        (Environment.GetEnvironmentVariable(FoldersVariable) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The search roots in the order they were read (built-ins first).</summary>
    public IReadOnlyList<string> SearchedFolders { get; }

    /// <summary>Every plugin that loaded, ordered by kind, then name.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>Every plugin or folder that did not load, in the order they were met.</summary>
    public IReadOnlyList<PluginFailure> Failures { get; }

    /// <summary>Names that two or more plugins claim; none of those plugins is loaded, and every workflow load reports it.</summary>
    public IReadOnlyList<PluginConflict> Conflicts { get; }

    /// <summary>The <see cref="Failures"/> other than name conflicts, as <c>plugin (folder): message</c>, for the settings loader to report.</summary>
    public IReadOnlyList<string> LoadFailures => [.. Failures.Where(f => f.Kind != PluginFailureKind.DuplicateName).Select(f => f.ToString())];

    /// <summary>
    /// Loads the built-in plugins (unless <paramref name="includeBuiltIns"/> is false) and those in
    /// <paramref name="extraFolders"/>. Each extra folder is either one plugin folder (it holds
    /// <c>&lt;folder name&gt;.dll</c>) or a folder of plugin folders. When two plugins share a name, neither is loaded:
    /// both are listed as <see cref="PluginFailureKind.DuplicateName"/> failures naming every folder, and the name is in
    /// <see cref="Conflicts"/>, so a plugin can never replace another (a built-in above all) by taking its name.
    /// </summary>
    public static PluginCatalog Load(IEnumerable<string> extraFolders, bool includeBuiltIns = true)
    {
        ArgumentNullException.ThrowIfNull(extraFolders);

        var roots = new List<string>();
        if (includeBuiltIns)
            roots.Add(BuiltInFolder);
        foreach (var folder in extraFolders)
        {
            if (string.IsNullOrWhiteSpace(folder))
                throw new ArgumentException("A plugin folder path is empty.", nameof(extraFolders));
            roots.Add(folder);
        }
        roots = [.. roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).Distinct(StringComparer.Ordinal)];

        var candidates = new List<PluginCandidate>();
        var failures = new List<PluginFailure>();
        var loaders = new List<PluginLoader>();
        var seenFolders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!Directory.Exists(root))
            {
                failures.Add(new PluginFailure(Path.GetFileName(root), root, PluginFailureKind.FolderNotFound,
                    "The plugin folder does not exist. Check the path, or build the host so its built-in plugins are copied beside it."));
                continue;
            }
            foreach (var folder in PluginFolderLoader.PluginFolders(root))
            {
                if (seenFolders.Add(folder) && PluginFolderLoader.Load(folder, candidates, failures) is { } loader)
                    loaders.Add(loader);
            }
        }

        var plugins = new List<LoadedPlugin>();
        var conflicts = new List<PluginConflict>();
        foreach (var sameName in candidates.GroupBy(c => c.Identity.Name, StringComparer.Ordinal))
        {
            if (sameName.Count() == 1)
            {
                plugins.Add(Wrap(sameName.First()));
                continue;
            }
            // No first-come rule: folder order would decide which plugin a workflow gets (a plugin dropped beside the
            // built-ins could take over "adamw"), so a claimed name is unusable until one claimant goes.
            var name = sameName.Key;
            var claimants = string.Join("; ", sameName.Select(c => $"the {PluginText.Kind(c.Identity.Kind)} {c.TypeName} in {c.Folder}"));
            var message = $"{sameName.Count()} plugins are named '{name}': {claimants}. A name selects one plugin and owns the " +
                          $"[plugins.{name}] table, so none of them is used. Remove the folder you do not want, or rename one plugin " +
                          "(its PluginIdentity.Name); a plugin cannot replace another, built-in or not, by taking its name.";
            conflicts.Add(new PluginConflict(name, message));
            foreach (var candidate in sameName)
                failures.Add(new PluginFailure(name, candidate.Folder, PluginFailureKind.DuplicateName, message));
        }
        return new PluginCatalog(roots, plugins, failures, conflicts, loaders);
    }

    /// <summary>True when a plugin of <paramref name="kind"/> is loaded under <paramref name="name"/>.</summary>
    public bool Exists(PluginKind kind, string name) =>
        name is not null && _byName.TryGetValue(name, out var plugin) && plugin.Kind == kind;

    /// <summary>The names of the loaded plugins of <paramref name="kind"/>, sorted.</summary>
    public IReadOnlyList<string> Names(PluginKind kind) =>
        [.. Plugins.Where(p => p.Kind == kind).Select(p => p.Name)];

    /// <summary>The settings loader's view: what <c>training.optimizer</c>, <c>model.quantization</c>, ... may name.</summary>
    IReadOnlyCollection<string> IPluginNames.Names(PluginKind kind) => Names(kind);

    /// <summary>
    /// What <c>model.family</c> may name, and each family's defaults and advice: the families registered when the
    /// workflow loads (<see cref="Families.ModelFamilyRegistry"/>).
    /// </summary>
    IReadOnlyCollection<FamilyProfile>? IPluginNames.ModelFamilies => Families.ModelFamilyRegistry.Profiles;

    /// <summary>The loaded plugin called <paramref name="name"/>, or <see langword="null"/>.</summary>
    public LoadedPlugin? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>The loaded plugin of <paramref name="kind"/> called <paramref name="name"/>.</summary>
    /// <exception cref="PluginNotFoundException">No such plugin is loaded; the message lists what is, and any failure of a plugin by that name.</exception>
    public LoadedPlugin Get(PluginKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out var plugin) && plugin.Kind == kind)
            return plugin;
        throw NotFound(kind, name);
    }

    /// <summary>The optimizer plugin <c>training.optimizer</c> names, for example <c>adamw</c>.</summary>
    public IOptimizerPlugin Optimizer(string name) => (IOptimizerPlugin)Get(PluginKind.Optimizer, name).Plugin;

    /// <summary>The quantizer plugin <c>model.quantization</c> names, for example <c>nf4</c>.</summary>
    public IQuantizerPlugin Quantizer(string name) => (IQuantizerPlugin)Get(PluginKind.Quantizer, name).Plugin;

    /// <summary>The precision plugin <c>model.precision</c> names, for example <c>bf16</c>.</summary>
    public IPrecisionPlugin Precision(string name) => (IPrecisionPlugin)Get(PluginKind.Precision, name).Plugin;

    /// <summary>The sampler plugin <c>evaluation.sampler</c> names, for example <c>standard</c>.</summary>
    public ISamplerPlugin Sampler(string name) => (ISamplerPlugin)Get(PluginKind.Sampler, name).Plugin;

    /// <summary>Why no usable plugin is called <paramref name="name"/> although one was found (each failure's message), or <see langword="null"/>.</summary>
    public string? LoadProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var messages = Failures.Where(f => string.Equals(f.Plugin, name, StringComparison.Ordinal)).Select(f => f.Message).Distinct().ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>
    /// Hands plugin <paramref name="name"/> its <c>[plugins.&lt;name&gt;]</c> table (or <see langword="null"/> when the file has
    /// none) to bind and keep for the objects it creates later. The settings loader calls this for every plugin a
    /// workflow selects, once per load. Bad values are reported by the plugin to <paramref name="diagnostics"/>; a plugin
    /// that throws instead is reported there as an error at <paramref name="location"/>.
    /// </summary>
    public void Configure(string name, ConfigTable? table, SourceLocation location, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (Find(name) is not { } plugin)
            return;
        try
        {
            plugin.Plugin.Configure(table, diagnostics);
        }
        catch (PluginRuntimeException e)
        {
            diagnostics.Error(ConfigErrorCodes.PluginProblem, location, $"plugins.{name}", e.Message);
        }
    }

    /// <summary>Releases the plugin load contexts' resources.</summary>
    public void Dispose()
    {
        foreach (var loader in _loaders)
            loader.Dispose();
        _loaders.Clear();
    }

    private static LoadedPlugin Wrap(PluginCandidate candidate)
    {
        var identity = candidate.Identity;
        var guard = new PluginGuard(identity.Name, identity.Kind, candidate.Folder);
        IVlmForgePlugin guarded = candidate.Instance switch
        {
            IOptimizerPlugin optimizer when identity.Kind == PluginKind.Optimizer => new GuardedOptimizerPlugin(optimizer, guard, identity, candidate.Settings),
            IQuantizerPlugin quantizer when identity.Kind == PluginKind.Quantizer => new GuardedQuantizerPlugin(quantizer, guard, identity, candidate.Settings),
            IPrecisionPlugin precision when identity.Kind == PluginKind.Precision => new GuardedPrecisionPlugin(precision, guard, identity, candidate.Settings),
            ISamplerPlugin sampler when identity.Kind == PluginKind.Sampler => new GuardedSamplerPlugin(sampler, guard, identity, candidate.Settings),
            _ => throw new InvalidOperationException($"Plugin '{identity.Name}' passed validation with kind {identity.Kind} but does not implement it."),
        };
        return new LoadedPlugin(identity, candidate.Settings, candidate.Folder, candidate.AssemblyPath, candidate.TypeName, candidate.LoadContext, guarded);
    }

    private PluginNotFoundException NotFound(PluginKind kind, string name)
    {
        var kindText = PluginText.Kind(kind);
        var available = Names(kind);
        var message = $"No {kindText} plugin named '{name}' is loaded. Available {kindText} plugins: " +
                      (available.Count == 0 ? "none" : string.Join(", ", available)) + ".";

        if (_byName.TryGetValue(name, out var other))
            message += $" '{name}' is a {PluginText.Kind(other.Kind)} plugin ({other.Folder}), not a {kindText}.";
        else if (DidYouMean.Suggest(name, available) is { } suggestion)
            message += $" Did you mean '{suggestion}'?";

        var failed = Failures.Where(f => string.Equals(f.Plugin, name, StringComparison.Ordinal)).ToList();
        foreach (var failure in failed)
            message += $" A plugin named '{name}' was found in {failure.Folder} but did not load: {failure.Message}";
        if (failed.Count == 0 && Failures.Count > 0)
            message += $" {Failures.Count} plugin(s) failed to load; run `vlmforge plugins` to see why.";
        return new PluginNotFoundException(kind, name, available, message);
    }
}
