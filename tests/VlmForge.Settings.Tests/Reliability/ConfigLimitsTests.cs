using System.Diagnostics;
using VlmForge.Settings.Loading;

namespace VlmForge.Settings.Tests.Reliability;

/// <summary>The inputs that crashed or hung the loader, each now one located error with what to do.</summary>
public sealed class ConfigLimitsTests
{
    private static string OnlyError(string toml)
    {
        var result = TestConfig.Load(toml);
        return Assert.Single(result.Errors).ToString();
    }

    [Fact]
    public void Arrays_nested_65_deep_are_a_located_error_not_an_exception()
    {
        var error = OnlyError($"[training]\nbetas = {new string('[', 65)}0.9{new string(']', 65)}\n");

        Assert.StartsWith("vlmforge.toml:2:", error, StringComparison.Ordinal);
        Assert.Contains("nest more than 64 deep", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_nested_past_the_parsers_own_limit_are_located_where_the_nesting_goes_too_deep()
    {
        var error = OnlyError($"[training]\nepochs = 1\nbetas = {new string('[', 300)}0.9{new string(']', 300)}\n");

        Assert.StartsWith("vlmforge.toml:3:265: error VLMF0100: (syntax): arrays and inline tables nest more than 256 deep here", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_tables_nested_65_deep_are_a_located_error()
    {
        var error = OnlyError($"[plugins.x]\nk = {string.Concat(Enumerable.Repeat("{ a = ", 65))}1{new string('}', 65)}\n");

        Assert.StartsWith("vlmforge.toml:2:", error, StringComparison.Ordinal);
        Assert.Contains("64 deep", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_header_of_12000_parts_is_a_located_error_not_a_stack_overflow()
    {
        var error = OnlyError($"[{string.Join('.', Enumerable.Repeat("a", 12_000))}]\nk = 1\n");

        Assert.Equal("vlmforge.toml:1:2: error VLMF0100: a.a.a...: this key has 12000 dotted parts; keys and table headers may have at most 64.", error);
    }

    [Fact]
    public void Dotted_keys_inside_nested_inline_tables_cannot_nest_past_the_limit()
    {
        // 40 parts per key and 40 inline levels: each is within its own limit, together 1,600 tables deep.
        var key = string.Join('.', Enumerable.Repeat("k", 40));
        var error = OnlyError($"[plugins.x]\nv = {string.Concat(Enumerable.Repeat($"{{ {key} = ", 40))}1{new string('}', 40)}\n");

        Assert.Contains("nest more than 64 deep", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_unknown_key_is_reported_once_shortened_and_fast()
    {
        var key = new string('k', 500_000);
        var clock = Stopwatch.StartNew();

        var error = OnlyError($"[training]\n{key} = 1\n");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal($"vlmforge.toml:2:1: error VLMF0100: {new string('k', 60)}... (500,000 characters): this key is 500,000 characters long; keys may be at most 256. No setting has such a name.", error);
    }

    [Fact]
    public void A_syntax_error_quoting_a_runaway_token_is_shortened()
    {
        // Found by the fuzzer: a key that runs into a long string made Tomlyn quote kilobytes of the file.
        var error = TestConfig.Load("[training]\nx \"" + new string('y', 5_000) + "\"\n").Errors.First().ToString();

        Assert.True(error.Length < 600, $"{error.Length} characters: {error[..200]}");
        Assert.Contains("... (5,0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_over_one_mebibyte_is_refused_before_parsing()
    {
        var error = OnlyError("# " + new string('x', 1 << 20) + "\n");

        Assert.Contains("a workflow config is at most 1,048,576 (1 MiB)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dataset", "path")]
    [InlineData("model", "path")]
    [InlineData("run", "output")]
    public void A_NUL_in_a_path_is_a_located_error_not_an_ArgumentException(string section, string key)
    {
        var error = OnlyError($"[{section}]\n{key} = \"data\\u0000x\"\n");

        Assert.Equal($"vlmforge.toml:2:{key.Length + 4}: error VLMF0110: {section}.{key}: the path holds the control character U+0000 at character 5, which no file name can hold. Write the path without it.", error);
    }

    [Fact]
    public void A_dataset_path_that_is_a_FIFO_does_not_hang_check()
    {
        var toml = $"[dataset]\npath = \"{SpecialFiles.Fifo}\"\n";

        var result = SpecialFiles.Within(() => TestConfig.Load(toml), "loading a config whose dataset.path is a FIFO");

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void A_folder_holding_a_FIFO_named_train_jsonl_does_not_hang_check()
    {
        var toml = $"[dataset]\npath = \"{SpecialFiles.FolderHoldingAFifo}\"\n";

        var result = SpecialFiles.Within(() => TestConfig.Load(toml), "loading a config whose train.jsonl is a FIFO");

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("/dev/zero")]
    [InlineData("folder")]
    public void A_config_path_that_is_not_a_regular_file_is_one_error_naming_it(string which)
    {
        var path = which switch
        {
            "fifo" => SpecialFiles.Fifo,
            "folder" => SpecialFiles.FolderNamedLikeAFile,
            _ => which,
        };

        var result = SpecialFiles.Within(() => WorkflowLoader.LoadFile(path), $"loading {path} as a config");

        var error = Assert.Single(result.Errors);
        Assert.Equal(Abstractions.Settings.ConfigErrorCodes.FileNotFound, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
