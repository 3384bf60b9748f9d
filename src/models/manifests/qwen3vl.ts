// Qwen3-VL-2B-Instruct as exported by onnx-community for transformers.js (the chat's quality-tier VLM).
// The project's fixture (scripts/fixtures/qwen3vl.ts) uses the same repo id, file names and ONNX I/O names.
import type { ModelManifest, OnnxInterface } from '../manifest';

const LAYERS = 28;
const KV_HEADS = 8;
const HEAD_DIM = 128;
const HIDDEN = 2048;
const VOCAB = 151936;

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
      // rows = patches (t·h·w per image, in merge-window order); cols = 3 · temporal_patch 2 · patch 16 · 16
      { name: 'pixel_values', type: 'float32', shape: ['num_patches', 1536] },
      { name: 'image_grid_thw', type: 'int64', shape: ['num_images', 3] },
    ],
    outputs: [{ name: 'image_features', type: 'float32', shape: ['num_image_tokens', HIDDEN] }],
  },
  embed_tokens: {
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] }],
    outputs: [{ name: 'inputs_embeds', type: 'float32', shape: ['batch_size', 'sequence_length', HIDDEN] }],
  },
  decoder_model_merged: {
    inputs: [
      { name: 'inputs_embeds', type: 'float32', shape: ['batch_size', 'sequence_length', HIDDEN] },
      { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'total_sequence_length'] },
      // M-RoPE: temporal / height / width positions.
      { name: 'position_ids', type: 'int64', shape: [3, 'batch_size', 'sequence_length'] },
      ...kv('past_key_values', 'past_sequence_length'),
    ],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch_size', 'sequence_length', VOCAB] }, ...kv('present', 'total_sequence_length')],
  },
};

const q4Files = [
  { path: 'onnx/embed_tokens_q4.onnx' },
  { path: 'onnx/embed_tokens_q4.onnx_data', bytes: 199_340_032 },
  { path: 'onnx/vision_encoder_q4.onnx' },
  { path: 'onnx/vision_encoder_q4.onnx_data', bytes: 217_952_256 },
  { path: 'onnx/decoder_model_merged_q4.onnx' },
  { path: 'onnx/decoder_model_merged_q4.onnx_data', bytes: 1_102_630_912 },
];

export const qwen3vlManifest: ModelManifest = {
  id: 'qwen3-vl-2b',
  name: 'Qwen3-VL 2B',
  role: 'vlm',
  repo: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX',
  // Revision seen pinned by other public projects (see docs); 'main' is what loads when none is given.
  revision: '3e4136ea66ae6e07c110e64fe07da2e029517ab5',
  license: 'Apache-2.0',
  files: [
    { path: 'config.json' },
    { path: 'generation_config.json' },
    { path: 'preprocessor_config.json' },
    { path: 'tokenizer.json', approxBytes: 11_400_000 },
    { path: 'tokenizer_config.json' },
  ],
  variants: [
    // Best first: chooseVariant() takes the first that fits the device.
    {
      // WebGPU with shader-f16: fp16 activations and KV cache for the text side; vision still q4 (fp32 Conv3D).
      id: 'webgpu-q4f16',
      devices: ['webgpu'],
      needsShaderF16: true,
      files: [
        { path: 'onnx/embed_tokens_q4f16.onnx' },
        { path: 'onnx/embed_tokens_q4f16.onnx_data', approxBytes: 199_340_032 },
        { path: 'onnx/vision_encoder_q4.onnx' },
        { path: 'onnx/vision_encoder_q4.onnx_data', bytes: 217_952_256 },
        { path: 'onnx/decoder_model_merged_q4f16.onnx' },
        { path: 'onnx/decoder_model_merged_q4f16.onnx_data', approxBytes: 1_102_630_912 },
      ],
      dtype: { embed_tokens: 'q4f16', vision_encoder: 'q4', decoder_model_merged: 'q4f16' },
    },
    {
      // WebGPU without shader-f16. The vision encoder is q4 (4-bit weights, fp32 activations): its Conv3D
      // patch embedding stays fp32, avoiding the Qwen-VL Conv3D fp16 defect on WebGPU.
      id: 'webgpu-q4',
      devices: ['webgpu'],
      files: q4Files,
      dtype: { embed_tokens: 'q4', vision_encoder: 'q4', decoder_model_merged: 'q4' },
    },
    {
      // CPU (wasm) fallback: 4-bit MatMulNBits runs on ORT's wasm CPU EP; everything fp32 activations.
      id: 'wasm-q4',
      devices: ['wasm'],
      files: q4Files,
      dtype: { embed_tokens: 'q4', vision_encoder: 'q4', decoder_model_merged: 'q4' },
    },
  ],
  io,
  docs: [
    'Confirmed from the transformers.js 4.3.1 source (node_modules/@huggingface/transformers/src):',
    '- Sessions and file names: models/session_config.js (ImageTextToText: embed_tokens, decoder_model_merged,',
    '  vision_encoder), dtype suffixes in utils/dtypes.js (q4 -> _q4, q4f16 -> _q4f16, fp32 -> none),',
    '  external data `<file>_data[_N]` in utils/model-loader.js, enabled by `use_external_data_format`',
    '  (option or config["transformers.js_config"]).',
    '- Feeds: qwen2_vl/modeling_qwen2_vl.js + modeling_utils.js generic_text_to_text_forward: vision_encoder gets',
    '  pixel_values + image_grid_thw (name from Qwen2_5_VL image_grid_thw_name), output image_features with one',
    '  row per <|image_pad|>; embed_tokens gets input_ids -> inputs_embeds; decoder gets inputs_embeds,',
    '  attention_mask, position_ids [3,B,S] (M-RoPE), past_key_values.{i}.key/value; no deepstack or',
    '  num_logits_to_keep input is fed (the generic code feeds num_logits_to_keep only if the graph has it).',
    '  Empty KV cache shaped from the session metadata: batch dim must be named batch_size.',
    '- Config keys read: image_token_id, video_token_id, vision_start_token_id, vision_config.spatial_merge_size,',
    '  text_config (qwen3_vl_text: num_key_value_heads, num_hidden_layers, head_dim).',
    'Found with the search tool (third-party public code that pins this repo; medium confidence):',
    '- revision 3e4136ea66ae6e07c110e64fe07da2e029517ab5 (another project pins 4739e748dc3798a89254e4932dca19e44aca304a);',
    '- q4 files use external data: onnx/{vision_encoder,embed_tokens,decoder_model_merged}_q4.onnx + .onnx_data of',
    '  217,952,256 / 199,340,032 / 1,102,630,912 bytes (~1.45 GiB in all);',
    '- the q4 decoder has 59 inputs = inputs_embeds, attention_mask, position_ids + 28 layers x key/value; hidden 2048;',
    '- the repo has no README/LICENSE of its own; the license is the base model Qwen/Qwen3-VL-2B-Instruct (Apache-2.0);',
    '- it also ships an onnxruntime-genai package under onnxruntime/cpu_and_mobile/ (not used here).',
    'Assumed (not seen): the sizes of the .onnx graph files, all q4f16 file names/sizes (shown before download as the q4',
    "sizes: 4-bit weights either way), tokenizer.json ~11.4 MB (Qwen3's), every SHA-256; that",
    'config.json declares use_external_data_format for these files (onnx-community exports do; otherwise pass',
    'VlmLoadOptions.useExternalDataFormat); 8 KV heads x 128 head_dim (from the base model config); vocab 151936.',
    'Defects worked around in src/vlm/vlmChat.ts: multi-image processor call, text-only decode positions.',
    'The fixture writes fp32 graphs under the _q4/_q4f16 names, with .onnx_data files like the real export.',
  ].join('\n'),
};
