using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using McMaster.NETCore.Plugins;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Precision;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Sampling;
using VlmForge.Abstractions.Settings;
using TorchSharp;

namespace VlmForge.Engine.Plugins;

/// <summary>
/// Loads one plugin folder in its own load context and instantiates every plugin class in it. Each fault is
/// turned into a <see cref="PluginFailure"/> so the caller can carry on with the other folders.
/// </summary>
internal static partial class PluginFolderLoader
{
    /// <summary>
    /// Types whose assemblies come from the host: the contracts and TorchSharp. With PreferSharedTypes the plugin's
    /// references to them (and to anything else the host has) bind to the host's copies.
    /// </summary>
    private static readonly Type[] SharedTypes = [typeof(IVlmForgePlugin), typeof(torch)];

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>
    /// A search root is either one plugin folder (it holds <c>&lt;folder name&gt;.dll</c>, or it is a build output: one
    /// <c>&lt;name&gt;.deps.json</c> beside <c>&lt;name&gt;.dll</c>) or a folder of plugin folders.
    /// </summary>
    public static IEnumerable<string> PluginFolders(string root)
    {
        if (File.Exists(MainAssemblyPath(root)))
            return [root];
        return Directory.GetDirectories(root).Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// The assembly the host loads first: <c>&lt;folder name&gt;.dll</c> (an installed plugin folder), else the assembly of
    /// the folder's only <c>*.deps.json</c> (a plugin's <c>bin/Release/net10.0</c>, named with <c>--plugins</c> as it is).
    /// </summary>
    public static string MainAssemblyPath(string folder)
    {
        var named = Path.Combine(folder, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) + ".dll");
        if (File.Exists(named) || !Directory.Exists(folder))
            return named;
        var deps = Directory.GetFiles(folder, "*.deps.json");
        if (deps.Length == 1)
        {
            var built = Path.Combine(folder, Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll");
            if (File.Exists(built))
                return built;
        }
        return named;
    }

    /// <summary>Loads <paramref name="folder"/>; the loader is returned so the catalog can dispose it.</summary>
    public static PluginLoader? Load(string folder, List<PluginCandidate> candidates, List<PluginFailure> failures)
    {
        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var mainAssembly = MainAssemblyPath(folder);
        if (!File.Exists(mainAssembly))
        {
            failures.Add(new PluginFailure(folderName, folder, PluginFailureKind.MainAssemblyMissing,
                $"The folder has no {folderName}.dll. A plugin folder is named after its main assembly " +
                $"(plugins/<AssemblyName>/<AssemblyName>.dll); copy the plugin's build output there."));
            return null;
        }

        PluginLoader loader;
        Assembly assembly;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, isUnloadable: false, SharedTypes, config => config.PreferSharedTypes = true);
            assembly = loader.LoadDefaultAssembly();
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or IOException)
        {
            failures.Add(new PluginFailure(folderName, folder, PluginFailureKind.AssemblyUnreadable,
                $"{Path.GetFileName(mainAssembly)} could not be loaded ({PluginText.Describe(e)}). " +
                "It must be a .NET class library built for the host's runtime (net10.0).", e));
            return null;
        }

        foreach (var type in PluginTypes(assembly, folder, folderName, failures))
            Instantiate(type, assembly, folder, candidates, failures);
        return loader;
    }

    private static List<Type> PluginTypes(Assembly assembly, string folder, string folderName, List<PluginFailure> failures)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Classes that load are still used; the failure explains the rest.
            failures.Add(PluginText.MissingAssembly(e) is not null
                ? DependencyFailure(folderName, folder, e)
                : new PluginFailure(folderName, folder, PluginFailureKind.ContractVersionMismatch, ContractMismatchMessage(assembly, e), e));
            types = [.. e.Types.OfType<Type>()];
        }

        var plugins = types.Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IVlmForgePlugin).IsAssignableFrom(t)).ToList();
        if (plugins.Count == 0 && !failures.Exists(f => f.Folder == folder))
        {
            failures.Add(ForeignContracts(types) is { } foreign
                ? new PluginFailure(folderName, folder, PluginFailureKind.ContractVersionMismatch,
                    $"Its classes implement {typeof(IVlmForgePlugin).FullName} from another copy of the contracts ({foreign.GetName().Name} " +
                    $"{foreign.GetName().Version}, loaded from {(foreign.Location.Length > 0 ? foreign.Location : "its folder")}), not the host's " +
                    $"({typeof(IVlmForgePlugin).Assembly.GetName().Version}), so the host cannot see them. Delete {foreign.GetName().Name}.dll from " +
                    $"{folder}, set <EnableDynamicLoading>true</EnableDynamicLoading> in the plugin's project (the package then leaves the contracts " +
                    "out of its output) and rebuild it against the VlmForge.Abstractions that ships with this host.")
                : new PluginFailure(folderName, folder, PluginFailureKind.NoPluginType,
                    $"{assembly.GetName().Name}.dll has no public, non-abstract class that implements {typeof(IVlmForgePlugin).FullName}."));
        }
        return plugins;
    }

    /// <summary>
    /// The plugin's classes do not fit the host's contracts (a member the plugin implements or calls has another shape):
    /// it was compiled against another VlmForge.Abstractions.
    /// </summary>
    private static string ContractMismatchMessage(Assembly assembly, Exception e)
    {
        var host = typeof(IVlmForgePlugin).Assembly.GetName();
        var built = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == host.Name);
        var against = built is null ? "" : $" It was built against {built.Name} {built.Version}; this host provides {host.Version}.";
        return $"Its classes do not fit this host's plugin contracts (contract version {PluginContract.Version}): " +
               $"{PluginText.Describe(e)}.{against} Rebuild it against the VlmForge.Abstractions that ships with this host.";
    }

    private static void Instantiate(Type type, Assembly assembly, string folder, List<PluginCandidate> candidates, List<PluginFailure> failures)
    {
        var typeName = type.FullName ?? type.Name;
        var constructor = type.GetConstructor(Type.EmptyTypes);
        if (constructor is null)
        {
            failures.Add(new PluginFailure(typeName, folder, PluginFailureKind.NoParameterlessConstructor,
                $"Plugin class {typeName} has no public parameterless constructor; the host creates plugins with one."));
            return;
        }

        IVlmForgePlugin instance;
        try
        {
            instance = (IVlmForgePlugin)constructor.Invoke(null);
        }
        catch (Exception e) when (e is TargetInvocationException or TypeLoadException or FileNotFoundException or FileLoadException)
        {
            failures.Add(PluginText.MissingAssembly(e) is not null
                ? DependencyFailure(typeName, folder, e)
                : new PluginFailure(typeName, folder, PluginFailureKind.ConstructorThrew,
                    $"The constructor of {typeName} threw {PluginText.Describe(e)}. A plugin's constructor must not fail; " +
                    "report this to the plugin's author.", PluginText.Unwrap(e)));
            return;
        }

        PluginIdentity? identity;
        IReadOnlyList<SettingDescriptor>? settings;
        try
        {
            identity = instance.Identity;
            settings = instance.Settings;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failures.Add(new PluginFailure(typeName, folder, PluginFailureKind.InvalidIdentity,
                $"Reading the identity or settings of {typeName} threw {PluginText.Describe(e)}.", e));
            return;
        }

        if (Validate(instance, identity, settings, typeName, folder) is { } failure)
        {
            failures.Add(failure);
            return;
        }

        var context = AssemblyLoadContext.GetLoadContext(type.Assembly) ?? AssemblyLoadContext.Default;
        candidates.Add(new PluginCandidate(instance, identity!, settings!, folder, assembly.Location, typeName, context));
    }

    private static PluginFailure? Validate(IVlmForgePlugin instance, PluginIdentity? identity, IReadOnlyList<SettingDescriptor>? settings, string typeName, string folder)
    {
        if (identity is null)
            return new PluginFailure(typeName, folder, PluginFailureKind.InvalidIdentity, $"{typeName}.Identity is null.");

        var name = identity.Name ?? "";
        if (identity.ContractVersion != PluginContract.Version)
        {
            var direction = identity.ContractVersion < PluginContract.Version ? "an older" : "a newer";
            return new PluginFailure(Label(name, typeName), folder, PluginFailureKind.ContractVersionMismatch,
                $"It was built for plugin contract version {identity.ContractVersion}, {direction} one than this host's " +
                $"({PluginContract.Version}). Rebuild it against the VlmForge.Abstractions that ships with this host.");
        }

        if (!NamePattern().IsMatch(name))
        {
            return new PluginFailure(Label(name, typeName), folder, PluginFailureKind.InvalidIdentity,
                $"Its name '{name}' is not usable in vlmforge.toml: use lower-case letters, digits, '_' or '-', starting with a letter.");
        }

        if (ExpectedInterface(identity.Kind) is not { } contract)
        {
            return new PluginFailure(name, folder, PluginFailureKind.InvalidIdentity,
                $"Its kind {(int)identity.Kind} is not one this host knows (optimizer, quantizer, precision, sampler).");
        }

        if (!contract.IsInstanceOfType(instance))
        {
            return new PluginFailure(name, folder, PluginFailureKind.InvalidIdentity,
                $"It says it is a {PluginText.Kind(identity.Kind)} but {typeName} does not implement {contract.Name}.");
        }

        if (settings is null)
            return new PluginFailure(name, folder, PluginFailureKind.InvalidIdentity, $"{typeName}.Settings is null; return an empty list when the plugin has no settings.");

        if (settings.Any(s => s is null))
            return new PluginFailure(name, folder, PluginFailureKind.InvalidIdentity, "Its settings list contains null.");

        var section = $"plugins.{name}";
        if (settings.FirstOrDefault(s => s.Section != section) is { } stray)
        {
            return new PluginFailure(name, folder, PluginFailureKind.InvalidIdentity,
                $"Its setting '{stray.Path}' is outside its own section; a plugin's settings live in [{section}].");
        }
        return null;
    }

    private static Type? ExpectedInterface(PluginKind kind) => kind switch
    {
        PluginKind.Optimizer => typeof(IOptimizerPlugin),
        PluginKind.Quantizer => typeof(IQuantizerPlugin),
        PluginKind.Precision => typeof(IPrecisionPlugin),
        PluginKind.Sampler => typeof(ISamplerPlugin),
        _ => null,
    };

    private static string Label(string name, string typeName) => name.Length > 0 ? name : typeName;

    /// <summary>The assembly of an <c>IVlmForgePlugin</c> that some class implements although it is not the host's, if any.</summary>
    private static Assembly? ForeignContracts(IEnumerable<Type> types)
    {
        foreach (var type in types)
        {
            Type[] interfaces;
            try
            {
                interfaces = type.GetInterfaces();
            }
            catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
            {
                continue; // a class whose interfaces cannot load says nothing about which contracts it meant
            }
            if (interfaces.FirstOrDefault(i => i.FullName == typeof(IVlmForgePlugin).FullName && i != typeof(IVlmForgePlugin)) is { } foreign)
                return foreign.Assembly;
        }
        return null;
    }

    /// <summary>A missing assembly: another version of one the host provides is a contract mismatch, anything else a missing dependency.</summary>
    private static PluginFailure DependencyFailure(string plugin, string folder, Exception e)
    {
        var kind = PluginText.HostAssemblyAdvice(PluginText.MissingAssembly(e) ?? "") is null ? PluginFailureKind.MissingDependency : PluginFailureKind.ContractVersionMismatch;
        return new PluginFailure(plugin, folder, kind, MissingDependencyMessage(e, folder), e);
    }

    private static string MissingDependencyMessage(Exception e, string folder)
    {
        var missing = PluginText.MissingAssembly(e) ?? PluginText.Describe(e);
        if (PluginText.HostAssemblyAdvice(missing) is { } advice)
            return advice;
        return $"It needs '{missing}', which is neither in its folder nor provided by the host. Copy that assembly into {folder} " +
               "(dotnet publish the plugin to get its dependencies beside it).";
    }
}
