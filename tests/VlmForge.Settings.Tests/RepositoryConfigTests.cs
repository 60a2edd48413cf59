using VlmForge.Settings;
namespace VlmForge.Settings.Tests;

public class RepositoryConfigTests
{
    [Fact]
    public void The_default_workflow_is_the_tiny_model_on_synthetic_shapes_and_has_no_errors_or_warnings()
    {
        var result = Loading.WorkflowLoader.LoadFile(Path.Combine(TestConfig.RepoRoot(), "vlmforge.toml"), FakePlugins.BuiltIns);

        Assert.Empty(result.Diagnostics);
        var settings = result.Settings!;
        Assert.Equal((FamilyNames.Tiny, ModelSize.Tiny, TrainingMode.Full, "none"),
            (settings.Model.Family, settings.Model.Size, settings.Model.TrainingMode, settings.Model.Quantization));
        Assert.Equal((SyntheticDataset.Shapes, DatasetTask.Mixed, "data/shapes"),
            (settings.Dataset.Synthetic, settings.Dataset.Task, settings.Dataset.Path));
    }
}
