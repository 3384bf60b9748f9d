// SmolVLM-256M-Instruct with the ONNX export in its own repo (onnx/, made by the transformers.js maintainers): the
// light tier's VLM, for devices that cannot hold or run Qwen3-VL-2B. Idefics3 architecture (SigLIP-B/16 at 512 px +
// SmolLM2-135M), loaded by transformers.js as `idefics3` (AutoModelForImageTextToText + Idefics3Processor) and driven
// by the chat engine's Idefics3 family (src/vlm/families/idefics3.ts). Fixture: scripts/fixtures/smolvlm.ts.
import type { ModelManifest, OnnxInterface } from '../manifest';

const LAYERS = 30;
const KV_HEADS = 3;
const HEAD_DIM = 64;
const HIDDEN = 576;
const VOCAB = 49280;

function kv(prefix: 'past_key_values' | 'present', len: string) {
  return Array.from({ length: LAYERS }, (_, i) =>
    (['key', 'value'] as const).map((k) => ({
      name: `${prefix}.${i}.${k}`,
      type: 'float32' as const,
      shape: ['batch_size', KV_HEADS, len, HEAD_DIM],
    })),
  ).flat();
}

const io: Record<string, OnnxInterface> = {
  vision_encoder: {
    inputs: [
      // 512x512 tiles of the split image plus one global frame; the mask marks real (unpadded) pixels.
      { name: 'pixel_values', type: 'float32', shape: ['batch_size', 'num_images', 3, 512, 512] },
      { name: 'pixel_attention_mask', type: 'bool', shape: ['batch_size', 'num_images', 512, 512] },
    ],
    // 64 tokens per tile after the 4x pixel shuffle (1024 patches / 16).
    outputs: [{ name: 'image_features', type: 'float32', shape: ['num_images', 64, HIDDEN] }],
  },
  embed_tokens: {
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] }],
    outputs: [{ name: 'inputs_embeds', type: 'float32', shape: ['batch_size', 'sequence_length', HIDDEN] }],
  },
  decoder_model_merged: {
    inputs: [
      { name: 'inputs_embeds', type: 'float32', shape: ['batch_size', 'sequence_length', HIDDEN] },
      { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'total_sequence_length'] },
      { name: 'position_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      ...kv('past_key_values', 'past_sequence_length'),
    ],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch_size', 'sequence_length', VOCAB] }, ...kv('present', 'total_sequence_length')],
  },
};

export const smolvlmManifest: ModelManifest = {
  id: 'smolvlm-256m',
  name: 'SmolVLM 256M',
  role: 'vlm',
  repo: 'HuggingFaceTB/SmolVLM-256M-Instruct',
  revision: 'main',
  license: 'Apache-2.0',
  files: [
    { path: 'config.json', approxBytes: 7_240 },
    { path: 'generation_config.json', approxBytes: 136 },
    { path: 'preprocessor_config.json', approxBytes: 486 },
    { path: 'processor_config.json', approxBytes: 68 },
    { path: 'tokenizer.json', approxBytes: 3_550_000 },
    { path: 'tokenizer_config.json', approxBytes: 28_200 },
  ],
  variants: [
    // Best first: chooseVariant() takes the first that fits the device.
    {
      // WebGPU with shader-f16: 4-bit weights, fp16 activations (~190 MB). SigLIP's patch embedding is a Conv2d, not
      // Qwen-VL's Conv3D, so an f16 vision encoder is fine here.
      id: 'webgpu-q4f16',
      devices: ['webgpu'],
      needsShaderF16: true,
      files: [
        { path: 'onnx/vision_encoder_q4f16.onnx', bytes: 55_037_584, sha256: '13c301dc0cbc79c8c23badc699129b47d05ba044e2274ca8a94681fcd4205fc1' },
        { path: 'onnx/embed_tokens_q4f16.onnx', approxBytes: 56_800_000 },
        { path: 'onnx/decoder_model_merged_q4f16.onnx', approxBytes: 77_400_000 },
      ],
      dtype: { vision_encoder: 'q4f16', embed_tokens: 'q4f16', decoder_model_merged: 'q4f16' },
    },
    {
      // WebGPU without shader-f16: 4-bit weights, fp32 activations (~270 MB).
      id: 'webgpu-q4',
      devices: ['webgpu'],
      files: [
        { path: 'onnx/vision_encoder_q4.onnx', approxBytes: 66_000_000 },
        { path: 'onnx/embed_tokens_q4.onnx', approxBytes: 114_000_000 },
        { path: 'onnx/decoder_model_merged_q4.onnx', approxBytes: 86_900_000 },
      ],
      dtype: { vision_encoder: 'q4', embed_tokens: 'q4', decoder_model_merged: 'q4' },
    },
    {
      // CPU (wasm): int8 dynamic quantisation (~260 MB), transformers.js' default on wasm.
      id: 'wasm-q8',
      devices: ['wasm'],
      files: [
        { path: 'onnx/vision_encoder_quantized.onnx', approxBytes: 94_200_000 },
        { path: 'onnx/embed_tokens_quantized.onnx', approxBytes: 28_400_000 },
        { path: 'onnx/decoder_model_merged_quantized.onnx', approxBytes: 138_000_000 },
      ],
      dtype: { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' },
    },
  ],
  io,
  docs: [
    'Chosen for the light tier over SmolVLM2-500M-Video-Instruct (the same layout, ~2x the download and compute):',
    'the light tier is for devices that cannot run Qwen3-VL-2B at all, so the smallest model that answers about',
    'images wins. Its spatial reasoning is weak; the measured answers (geometry + detector) do not depend on it.',
    'Found with the search tool (Hugging Face tree and blob pages of HuggingFaceTB/SmolVLM-256M-Instruct; high',
    'confidence for names, sizes as the hub rounds them):',
    '- root: config.json 7.24 kB, generation_config.json 136 B, preprocessor_config.json 486 B, processor_config.json',
    '  68 B, tokenizer.json 3.55 MB, tokenizer_config.json 28.2 kB (plus chat_template.json, merges.txt, vocab.json,',
    '  added_tokens.json, special_tokens_map.json, not read by transformers.js; the chat template is also in',
    '  tokenizer_config.json);',
    '- onnx/ (commits "[WIP] Upload ONNX weights (#1)", "Upload fixed vision ONNX weights (#2)", "Wrap fp16 inputs for',
    '  ONNX decoder (#3)"): decoder_model_merged{,_bnb4,_fp16,_int8,_q4,_q4f16,_quantized,_uint8}.onnx = 541 / 78.5 /',
    '  271 / 138 / 86.9 / 77.4 / 138 / 138 MB; embed_tokens.onnx 114 MB, _bnb4 114 MB (SmolVLM2-256M, same LM:',
    '  _fp16 56.8 MB, _int8 28.4 MB); vision_encoder_q4f16.onnx 55 MB (SHA-256 13c301dc…205fc1, from PR #2, the last',
    '  commit that touched the vision files), vision_encoder_fp16.onnx 187 MB (275c41d7…e8d9ae), vision_encoder_int8.onnx',
    '  94.2 MB (d534ab66…3d16f7). No external data files.',
    '- repo revisions seen: 4982992210f697d03d3b06775f5a2cf0ed2594cc, d8d478d90140dcab688a321dfe123fbd2dfcbc34 (root),',
    '  acc054744d60adea9d88214dab6e2219e6e512a7 (onnx/); `main` is loaded, so sizes are shown approximately and only',
    '  the vision q4f16 file is checked by SHA-256.',
    'Estimated, not seen: vision_encoder_q4.onnx (~66 MB: 93M SigLIP params at 4 bits plus fp32 embeddings),',
    'embed_tokens_q4/_q4f16 (assumed the fp32 / fp16 sizes: 4-bit quantisation leaves the Gather table as is),',
    '_quantized = the _int8 sizes.',
    'ONNX I/O: from the transformers.js 4.3.1 source (idefics3: vision_encoder gets pixel_values [B,N,3,512,512] and',
    'pixel_attention_mask; decoder position_ids [B,S]); layer count, KV heads (3), head_dim (64), hidden (576) from',
    "SmolLM2-135M's config; vocab 49280 (SmolLM2's 49152 + the image and row/col tokens) assumed.",
    'Driven by src/vlm/families/idefics3.ts (unsplit 512 px frames, 64 tokens each). Not run here on the real weights',
    '(no hub): only on the fixture with the same file names, configs and ONNX I/O names.',
  ].join('\n'),
};
