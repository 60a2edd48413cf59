#!/usr/bin/env python3
"""Golden-parity fixtures: tiny random Qwen2.5-VL and Idefics3 (SmolVLM) checkpoints built and run by Hugging Face
transformers, so VlmForge's forward pass can be compared with the reference implementation.

    python -m venv .venv && . .venv/bin/activate && pip install -r scripts/golden/requirements.txt
    python scripts/golden/make_golden.py            # writes tests/VlmForge.Models.Tests/Golden/Fixtures/<family>/
    dotnet test tests/VlmForge.Models.Tests -c Release --filter "FullyQualifiedName~GoldenParity"

Per family it writes, with fixed seeds (same files on every run with the pinned versions):
    config.json, model.safetensors   the checkpoint in Hugging Face layout (save_pretrained), float32
    golden.safetensors               input_ids [B, T] int64, attention_mask [B, T] int64 (right padding),
                                     pixel_values [B, 3, H, W] float32 (normalized pixels, one image per row, in
                                     VlmForge's layout), logits [B, T, V] float32 from transformers (eager attention,
                                     float32, CPU), hidden [B, T, hidden] float32 (the decoder's last hidden state)
The test loads the checkpoint with VlmForge, runs the same inputs and requires max |logit difference| <= 1e-4 on the
positions the attention mask keeps. No GPU is needed (the models are a few hundred kB).
"""
import argparse
import json
import os
import sys

import torch
from safetensors.torch import save_file

import transformers
from transformers import Idefics3Config, Idefics3ForConditionalGeneration, Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "tests", "VlmForge.Models.Tests", "Golden", "Fixtures")

# The same tiny shapes as tests/VlmForge.Models.Tests/Support/FamilyFixtures.cs (QwenConfigJson, SmolConfigJson).
QWEN_IMAGE, QWEN_VISION_START, QWEN_VISION_END = 60, 61, 62
QWEN = dict(
    architectures=["Qwen2_5_VLForConditionalGeneration"], model_type="qwen2_5_vl", bos_token_id=0, eos_token_id=1,
    vision_start_token_id=QWEN_VISION_START, vision_end_token_id=QWEN_VISION_END, vision_token_id=59,
    image_token_id=QWEN_IMAGE, video_token_id=63, hidden_act="silu", hidden_size=32, intermediate_size=48,
    max_position_embeddings=256, num_attention_heads=4, num_hidden_layers=2, num_key_value_heads=2, rms_norm_eps=1e-6,
    rope_theta=10000.0, tie_word_embeddings=False, vocab_size=64,
    rope_scaling={"type": "mrope", "mrope_section": [1, 1, 2]},
    vision_config=dict(depth=3, hidden_act="silu", hidden_size=16, intermediate_size=24, num_heads=2, in_channels=3,
                       in_chans=3, out_hidden_size=32, patch_size=2, spatial_merge_size=2, spatial_patch_size=2,
                       window_size=8, fullatt_block_indexes=[1], tokens_per_second=2, temporal_patch_size=2),
)
SMOL_IMAGE = 45
SMOL = dict(
    architectures=["Idefics3ForConditionalGeneration"], model_type="idefics3", image_token_id=SMOL_IMAGE, scale_factor=3,
    tie_word_embeddings=False, vocab_size=48,
    text_config=dict(model_type="llama", hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
                     num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-5, rope_theta=273768.0, vocab_size=48,
                     max_position_embeddings=256),
    vision_config=dict(model_type="idefics3", hidden_size=16, image_size=12, intermediate_size=24, num_attention_heads=2,
                       num_hidden_layers=2, patch_size=2),
)


def randomize(model, seed):
    """Weights far from transformers' tiny init (std 0.02), so the logits differ visibly between tokens and a wrong
    rotary axis, mask or merge order shows up well above 1e-4."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            noise = torch.randn(parameter.shape, generator=generator)
            if name.endswith("norm.weight") or "layernorm" in name or "norm1" in name or "norm2" in name or name.endswith("ln_q.weight"):
                parameter.copy_(1.0 + 0.1 * noise)
            else:
                parameter.copy_(0.2 * noise)


def text_ids(generator, count, vocab, excluded):
    ids = []
    while len(ids) < count:
        candidate = int(torch.randint(2, vocab, (1,), generator=generator))
        if candidate not in excluded:
            ids.append(candidate)
    return ids


def right_padded(rows):
    length = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), length, dtype=torch.int64)
    mask = torch.zeros(len(rows), length, dtype=torch.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return ids, mask


def qwen_patches(image, patch, merge, temporal):
    """Qwen2VLImageProcessor's flattening of one normalized image [3, H, W] into [grid_h * grid_w, 3 * temporal * patch^2]:
    the frame repeated to fill the temporal patch, patches in merge-window order."""
    channels, height, width = image.shape
    frames = image.unsqueeze(0).repeat(temporal, 1, 1, 1)
    grid_h, grid_w = height // patch, width // patch
    x = frames.reshape(1, temporal, channels, grid_h // merge, merge, patch, grid_w // merge, merge, patch)
    x = x.permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return x.reshape(grid_h * grid_w, channels * temporal * patch * patch), (1, grid_h, grid_w)


def make_qwen(out, seed):
    torch.manual_seed(seed)
    config = Qwen2_5_VLConfig(**QWEN)
    model = Qwen2_5_VLForConditionalGeneration._from_config(config, attn_implementation="eager", torch_dtype=torch.float32).eval()
    randomize(model, seed)

    generator = torch.Generator().manual_seed(seed + 1)
    height, width = 16, 24  # not square: the height and width rotary axes differ
    pixels = torch.randn(2, 3, height, width, generator=generator)
    tokens = (height // 4) * (width // 4)
    excluded = {QWEN_IMAGE, QWEN_VISION_START, QWEN_VISION_END, 59, 63}
    rows = []
    for after in (7, 3):
        rows.append(text_ids(generator, 3, 64, excluded) + [QWEN_VISION_START] + [QWEN_IMAGE] * tokens + [QWEN_VISION_END]
                    + text_ids(generator, after, 64, excluded))
    input_ids, attention_mask = right_padded(rows)

    flat, grids = zip(*(qwen_patches(pixels[i], 2, 2, 2) for i in range(pixels.shape[0])))
    with torch.no_grad():
        output = model(input_ids=input_ids, attention_mask=attention_mask, pixel_values=torch.cat(flat),
                       image_grid_thw=torch.tensor(grids), output_hidden_states=True, return_dict=True)
    write(out, "qwen2_5_vl", model, input_ids, attention_mask, pixels, output, seed)


def make_idefics3(out, seed):
    torch.manual_seed(seed)
    config = Idefics3Config(**SMOL)
    model = Idefics3ForConditionalGeneration._from_config(config, attn_implementation="eager", torch_dtype=torch.float32).eval()
    randomize(model, seed)

    generator = torch.Generator().manual_seed(seed + 1)
    pixels = torch.randn(2, 3, 12, 12, generator=generator)
    rows = [text_ids(generator, 3, 48, {SMOL_IMAGE}) + [SMOL_IMAGE] * 4 + text_ids(generator, after, 48, {SMOL_IMAGE}) for after in (6, 2)]
    input_ids, attention_mask = right_padded(rows)
    with torch.no_grad():
        output = model(input_ids=input_ids, attention_mask=attention_mask, pixel_values=pixels.unsqueeze(1),
                       pixel_attention_mask=torch.ones(2, 1, 12, 12, dtype=torch.bool), output_hidden_states=True, return_dict=True)
    write(out, "idefics3", model, input_ids, attention_mask, pixels, output, seed)


def write(out, name, model, input_ids, attention_mask, pixels, output, seed):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    # save_pretrained also writes generation_config.json; VlmForge needs only config.json and the weights.
    for extra in ("generation_config.json",):
        path = os.path.join(folder, extra)
        if os.path.exists(path):
            os.remove(path)
    tensors = {
        "input_ids": input_ids.contiguous(),
        "attention_mask": attention_mask.contiguous(),
        "pixel_values": pixels.float().contiguous(),
        "logits": output.logits.float().contiguous(),
        "hidden": output.hidden_states[-1].float().contiguous(),
    }
    metadata = {"transformers": transformers.__version__, "torch": torch.__version__, "seed": str(seed), "attention": "eager"}
    save_file(tensors, os.path.join(folder, "golden.safetensors"), metadata=metadata)
    with open(os.path.join(folder, "golden.json"), "w") as f:
        json.dump({**metadata, "shapes": {k: list(v.shape) for k, v in tensors.items()}}, f, indent=2)
    print(f"{name}: logits {list(output.logits.shape)} -> {folder}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    make_qwen(args.out, args.seed)
    make_idefics3(args.out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
