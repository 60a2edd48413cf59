using TorchSharp;
using VlmForge.Models.Lora;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Support;

/// <summary>Small configs and batches so every test runs in milliseconds.</summary>
internal static class TestModels
{
    public const int ImageTokenId = 3;
    public const int PadTokenId = 0;
    public const int BosTokenId = 1;

    /// <summary>Image 16 px, patch 4, 2x2 merge: 4 image tokens; decoder 4 query heads sharing 2 key/value heads.</summary>
    public static TinyVlmConfig SmallConfig(int vocabSize = 40) => new()
    {
        VocabSize = vocabSize,
        ImageTokenId = ImageTokenId,
        PadTokenId = PadTokenId,
        ImageSize = 16,
        PatchSize = 4,
        VisionHiddenSize = 32,
        VisionLayers = 2,
        VisionHeads = 2,
        VisionIntermediateSize = 64,
        ProjectorMergeSize = 2,
        HiddenSize = 32,
        Layers = 2,
        Heads = 4,
        KeyValueHeads = 2,
        IntermediateSize = 64,
    };

    public static LoraSettings Lora(double dropout = 0, int rank = 4, double alpha = 8) =>
        new(rank, alpha, dropout, ["q_proj", "k_proj", "v_proj", "o_proj"]);

    public static TinyVlm Build(ModelSetup setup, int seed = 7, TinyVlmConfig? config = null)
    {
        manual_seed(seed);
        return TinyVlm.Create(config ?? SmallConfig(), setup);
    }

    public static TinyVlm BuildFull(ScalarType dtype = ScalarType.Float32, int seed = 7) =>
        Build(new ModelSetup { Mode = TrainingMode.Full, ComputeDtype = dtype }, seed);

    public static TinyVlm BuildLora(double dropout = 0, ScalarType dtype = ScalarType.Float32, int seed = 7) =>
        Build(new ModelSetup { Mode = TrainingMode.Lora, Lora = Lora(dropout), ComputeDtype = dtype }, seed);

    /// <summary>
    /// Each row: BOS, the image's placeholder run, then text; the first <paramref name="promptLength"/> text tokens
    /// take no loss. Right padding with the pad id after <paramref name="lengths"/> real tokens.
    /// </summary>
    public static VlmInputs Batch(TinyVlmConfig config, int[] lengths, int promptLength = 2, int seed = 11)
    {
        var generator = new Random(seed);
        var batch = lengths.Length;
        var width = lengths.Max();
        var ids = new long[batch, width];
        var mask = new long[batch, width];
        var labels = new long[batch, width];
        var imageTokens = config.ImageTokenCount;
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < width; t++)
            {
                labels[b, t] = VlmInputs.IgnoreIndex;
                ids[b, t] = PadTokenId;
            }
            for (var t = 0; t < lengths[b]; t++)
            {
                mask[b, t] = 1;
                if (t == 0)
                {
                    ids[b, t] = BosTokenId;
                }
                else if (t <= imageTokens)
                {
                    ids[b, t] = config.ImageTokenId;
                }
                else
                {
                    ids[b, t] = generator.Next(4, config.VocabSize);
                    if (t > imageTokens + promptLength)
                    {
                        labels[b, t] = ids[b, t];
                    }
                }
            }
        }
        var pixels = randn([batch, 3, config.ImageSize, config.ImageSize], generator: new Generator((ulong)seed));
        return new VlmInputs(pixels, tensor(ids), tensor(mask), tensor(labels));
    }

    /// <summary>Moves a row's real tokens to the right end (left padding), for generation prompts.</summary>
    public static (Tensor Ids, Tensor Mask) LeftPad(Tensor ids, Tensor mask)
    {
        var rows = ids.shape[0];
        var width = ids.shape[1];
        var outIds = zeros_like(ids);
        var outMask = zeros_like(mask);
        for (long b = 0; b < rows; b++)
        {
            var real = mask[b].sum().item<long>();
            outIds[b].narrow(0, width - real, real).copy_(ids[b].narrow(0, 0, real));
            outMask[b].narrow(0, width - real, real).fill_(1);
        }
        return (outIds, outMask);
    }
}
