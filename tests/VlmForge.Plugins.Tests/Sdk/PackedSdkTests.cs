using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using VlmForge.Cli;
using VlmForge.Plugins.Tests.Support;
using Xunit.Abstractions;

namespace VlmForge.Plugins.Tests.Sdk;

/// <summary>
/// An outside author's path, end to end: the SDK packed into .nupkg files, the plugin of docs/plugin-authoring.md
/// built from those packages (no ProjectReference) in a folder outside the repository, installed with --plugins, its
/// [plugins.sgd] table checked by `vlmforge check` and its values reaching the optimizer in `vlmforge train`.
/// </summary>
public sealed partial class PackedSdkTests(ITestOutputHelper log) : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _dir = PluginCompiler.TempFolder("sdk");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // The catalog of the last CLI call may still map the plugin's assembly; the temp folder is cleaned later.
        }
    }

    [Fact]
    public void The_authoring_guides_plugin_builds_from_the_packed_sdk_its_settings_reach_training_and_its_state_resumes()
    {
        var plugins = BuildGuidePluginFromPackages();

        // `check` reports the table's problems at file:line:col, like a built-in section's.
        var bad = WriteConfig("bad", "momentum = 1.5\nmometum = 0.5\nnesterov = \"yes\"\n");
        var (exit, _, errors) = Cli("check", "--config", bad, "--plugins", plugins);
        Assert.Equal(1, exit);
        Assert.Contains("bad.toml:29:12: error VLMF0105: plugins.sgd.momentum: found 1.5; the value must be between 0 and 1 (exclusive) ([0, 1)).", errors, StringComparison.Ordinal);
        Assert.Contains("bad.toml:30:1: error VLMF0102: plugins.sgd.mometum: [plugins.sgd] has no setting 'mometum'. Did you mean 'momentum'?", errors, StringComparison.Ordinal);
        Assert.Contains("bad.toml:31:12: error VLMF0104: plugins.sgd.nesterov: expected a boolean (true or false), found string \"yes\".", errors, StringComparison.Ordinal);

        // The cross-field rule of the guide's schema (a range requirement): nesterov needs momentum > 0.
        var rule = WriteConfig("rule", "momentum = 0.0\nnesterov = true\n");
        (exit, _, errors) = Cli("check", "--config", rule, "--plugins", plugins);
        Assert.Equal(1, exit);
        Assert.Contains("rule.toml:29:12: error VLMF0108: plugins.sgd.momentum: momentum = 0.0 is not allowed when nesterov = true; allowed: > 0.", errors, StringComparison.Ordinal);

        // Trained through `vlmforge train`: the first loss is before any update, so it is the same; after the first
        // updates, momentum 0.9 with Nesterov takes other steps than plain SGD.
        var plain = Train("plain", "momentum = 0.0\n", plugins, maxSteps: 4);
        var heavy = Train("heavy", "momentum = 0.9\nnesterov = true\n", plugins, maxSteps: 6);
        log.WriteLine($"momentum 0:   {string.Join(", ", plain)}");
        log.WriteLine($"momentum 0.9: {string.Join(", ", heavy)}");
        Assert.Equal(plain[0], heavy[0]);
        Assert.NotEqual(plain[^1], heavy[3]);

        // Resume: 4 steps, then the run's config asks for 6 and `train --resume` continues from the step-4 checkpoint.
        // The momentum buffers come back through SaveState/LoadState, so the losses equal the straight 6-step run's.
        Train("resumed", "momentum = 0.9\nnesterov = true\n", plugins, maxSteps: 4);
        var runConfig = Path.Combine(_dir, "runs", "resumed", "config.toml");
        File.WriteAllText(runConfig, File.ReadAllText(runConfig).Replace("max_steps = 4\n", "max_steps = 6\n", StringComparison.Ordinal));
        (exit, var output, errors) = Cli("train", "--resume", Path.Combine(_dir, "runs", "resumed"), "--plugins", plugins);
        Assert.True(exit == 0, $"train --resume exited with {exit}: {errors}\n{output}");
        Assert.Contains("continuing after step 4 of 6", output, StringComparison.Ordinal);
        Assert.Contains("sgd (momentum = 0.9, nesterov = true) lr 0.05 (constant), weight decay 0,", output, StringComparison.Ordinal);
        Assert.Equal(heavy, Losses("resumed"));
    }

    /// <summary>Packs the SDK, writes the guide's files into an empty folder, builds them from the packages and installs the output.</summary>
    private string BuildGuidePluginFromPackages()
    {
        var repository = RepositoryRoot();
        var packages = Path.Combine(_dir, "packages");
        foreach (var project in new[] { "src/VlmForge.Abstractions", "generators/VlmForge.Settings.Generator" })
            Dotnet(repository, "pack", Path.Combine(repository, project), "-c", Configuration, "--no-build", "-o", packages, "-nologo");
        Assert.True(File.Exists(Path.Combine(packages, "VlmForge.Abstractions.0.1.0.nupkg")));
        Assert.True(File.Exists(Path.Combine(packages, "VlmForge.Settings.Generator.0.1.0.nupkg")));

        var source = Path.Combine(_dir, "Acme.Sgd");
        Directory.CreateDirectory(source);
        var files = GuideFiles(File.ReadAllText(Path.Combine(repository, "docs", "plugin-authoring.md")));
        Assert.Equal(["Acme.Sgd.csproj", "SgdOptimizer.cs", "SgdPlugin.cs", "sgd.settings.toml"], files.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in files)
            File.WriteAllText(Path.Combine(source, name), text);

        // Offline and isolated: the packed SDK plus the packages this machine already has (TorchSharp and its
        // dependencies), restored into this test's own folder so a cached VlmForge.Abstractions 0.1.0 is never used.
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(source, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(_dir, "nuget")}" /></config>
              <packageSources>
                <clear />
                <add key="vlmforge" value="{packages}" />
                <add key="machine" value="{machineCache}" />
              </packageSources>
            </configuration>
            """);
        Dotnet(source, "build", "-c", "Release", "-nologo");

        var output = Path.Combine(source, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Acme.Sgd.dll")));
        Assert.False(File.Exists(Path.Combine(output, "TorchSharp.dll")), "the host supplies TorchSharp");
        Assert.False(File.Exists(Path.Combine(output, "VlmForge.Abstractions.dll")), "the host supplies the contracts");

        var installed = Path.Combine(_dir, "plugins", "Acme.Sgd");
        Directory.CreateDirectory(installed);
        foreach (var file in Directory.GetFiles(output))
            File.Copy(file, Path.Combine(installed, Path.GetFileName(file)));
        var (exit, listing, _) = Cli("plugins", "--plugins", Path.GetDirectoryName(installed)!);
        Assert.Equal(0, exit);
        Assert.Matches(@"(?m)^sgd\s+optimizer\s+1\.0\.0\s+3\s+", listing);
        return Path.GetDirectoryName(installed)!;
    }

    /// <summary>A few steps of the tiny model with the guide's optimizer; the losses from metrics.jsonl.</summary>
    private List<double> Train(string name, string sgdTable, string plugins, int maxSteps)
    {
        var config = WriteConfig(name, sgdTable, maxSteps);
        var (exit, output, errors) = Cli("train", "--config", config, "--plugins", plugins);
        Assert.True(exit == 0, $"train exited with {exit}: {errors}\n{output}");
        return Losses(name);
    }

    private List<double> Losses(string run) =>
        [.. File.ReadLines(Path.Combine(_dir, "runs", run, "metrics.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("loss").GetDouble())];

    /// <summary>A tiny workflow on 24 synthetic images, SGD with a checkpoint every 2 updates; <paramref name="sgdTable"/> starts on line 29.</summary>
    private string WriteConfig(string name, string sgdTable, int maxSteps = 4)
    {
        var path = Path.Combine(_dir, name + ".toml");
        File.WriteAllText(path, $"""
            [model]
            family = "tiny"
            size = "tiny"
            training_mode = "full"
            quantization = "none"
            precision = "fp32"

            [training]
            epochs = 1
            max_steps = {maxSteps}
            checkpoint_interval = 2
            batch_size = 4
            learning_rate = 0.05
            optimizer = "sgd"
            weight_decay = 0.0
            seed = 3

            [dataset]
            path = "{Path.Combine(_dir, "data").Replace("\\", "\\\\", StringComparison.Ordinal)}"
            synthetic = "shapes"
            synthetic_count = 24
            image_size = 32
            validation_split = 0.0

            [run]
            name = "{name}"
            output = "{Path.Combine(_dir, "runs").Replace("\\", "\\\\", StringComparison.Ordinal)}"
            [plugins.sgd]
            {sgdTable}
            """);
        return path;
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The code blocks of the guide that name a file (<c>```csharp file=SgdPlugin.cs</c>).</summary>
    private static Dictionary<string, string> GuideFiles(string markdown) =>
        FileBlock().Matches(markdown).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value);

    [GeneratedRegex(@"^```\w+ file=(?<name>\S+)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();

    private void Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // The test host runs inside `dotnet test`; its MSBuild variables must not steer the author's build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        log.WriteLine($"dotnet {string.Join(' ', args)}: exit {process.ExitCode}");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed:\n{stdout.Result}\n{stderr.Result}");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }
}
