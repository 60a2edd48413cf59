// torch.manual_seed and the default generator are process-wide: tests that seed model construction would race each
// other if xUnit ran test classes in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
