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

// The q4 set: exact sizes and SHA-256 pinned by two independent public projects (they agree; the same six files at
// revisions 3e4136ea and 4739e748). See `docs` for the sources.
const q4Files = [
  { path: 'onnx/embed_tokens_q4.onnx', bytes: 857, sha256: '9499fcdba2e1cbbc172913fb2fb950d9b53de54b6a9338997b0956feb035bbad' },
  { path: 'onnx/embed_tokens_q4.onnx_data', bytes: 199_340_032, sha256: '6c3b078ca20e4233f27de203812ba74c6b29d5ae4208932857886582ec6aa50d' },
  { path: 'onnx/vision_encoder_q4.onnx', bytes: 338_758, sha256: '7ccbf866b2e0d0c59272c741715fd78764c8777f1063efe070d420191255c9fe' },
  { path: 'onnx/vision_encoder_q4.onnx_data', bytes: 217_952_256, sha256: '4582e91d7221675fb1593ab2f13115aa8403f601be2d9826bb0a84619e62af5a' },
  { path: 'onnx/decoder_model_merged_q4.onnx', bytes: 597_123, sha256: '7fe8b951dd605513efc01553ee98a00c9335b41c22b68790433bd3563521782f' },
  { path: 'onnx/decoder_model_merged_q4.onnx_data', bytes: 1_102_630_912, sha256: '35b8960257384ebe1eb293646f52fdec8d5d25177f37edfb116d63a90f92756c' },
];

export const qwen3vlManifest: ModelManifest = {
  id: 'qwen3-vl-2b',
  name: 'Qwen3-VL 2B',
  role: 'vlm',
  repo: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX',
  // The revision public projects pin (see docs); 'main' is what loads when none is given.
  revision: '3e4136ea66ae6e07c110e64fe07da2e029517ab5',
  license: 'Apache-2.0',
  // Exactly the files the app reads at this revision (transformers.js 4.3.1 reads no processor_config.json for
  // Qwen, so the repo's 1,300-byte one is not fetched). Sizes and SHA-256 from one public pin (see docs).
  files: [
    { path: 'config.json', bytes: 1_961, sha256: '85a783d2fc70cfaa46a7ea5fbed1ea0ad06ec120a3165bd75d464a77f566ab18' },
    { path: 'generation_config.json', bytes: 276, sha256: 'bf25bd273e561fe1196a04a35e9806c8f66bf260ae030d88b51dc9c76c37e797' },
    { path: 'preprocessor_config.json', bytes: 336, sha256: '6a970fd06f30e6943b3e2c14d5d3b42d49b06cf99b99103d56689bef462d90f8' },
    { path: 'tokenizer.json', bytes: 9_117_036, sha256: '40ae5d1ee027b985684a3bbeef4ee16b2b5697d1d90658bec5bc5d2a73018bd7' },
    { path: 'tokenizer_config.json', bytes: 6_200, sha256: '0364a2cb734b560ab69d4884ef694c8cbd36cbd3d8642c41013105524e41bb41' },
    // The chat template lives here, not in tokenizer_config.json (src/vlm/families/qwen3vl.ts loads it).
    { path: 'chat_template.jinja', bytes: 5_292, sha256: '3636d0f0bd6bef02654cdffdc447b79cb2cef8ab02cc75267345946291a489e4' },
  ],
  variants: [
    // Best first: chooseVariant() takes the first that fits the device. Only the q4 set is listed: no public
    // source shows q4f16 files at this revision, and public WebGPU deployments of this export run q4.
    {
      // WebGPU: 4-bit weights (MatMulNBits), fp32 activations; the vision encoder's Conv3D stays fp32, avoiding
      // the Qwen-VL Conv3D fp16 defect on WebGPU.
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
    '  vision_encoder), dtype suffixes in utils/dtypes.js (q4 -> _q4), external data `<file>_data[_N]` in',
    '  utils/model-loader.js, enabled by `use_external_data_format` (passed explicitly from this manifest).',
    '- The tokenizer reads only tokenizer_config.json (tokenization_utils.js); Processor.from_pretrained reads',
    '  chat_template.jinja only when `uses_chat_template_file` (Gemma 3/3n/4 only): hence our processor subclass.',
    '- Feeds: vision_encoder gets pixel_values [patches, 1536] + image_grid_thw; embed_tokens input_ids ->',
    '  inputs_embeds; the decoder inputs_embeds, attention_mask, position_ids [3,B,S] (M-RoPE), past_key_values.',
    'From public pins (search tool; "M" one careful third-party pin, "H" two that agree):',
    '- open-chat (open-chat-labs/open-chat, frontend/app/src/utils/transformersWebGpuProtocol.ts and its',
    '  "Model artifact provenance" notice) pins revision 3e4136ea and gives bytes + SHA-256 of the 7 small files',
    '  (M) and the 6 hub q4 files; dsh-vision (src/qwen-backend.ts) pins revision 4739e748 with the same SHA-256',
    '  for the 6 q4 files (H). open-chat ships its own patched decoder/vision graphs (5,087,381 B / 388,996 B):',
    "  not the hub files, not pinned here. tokenizer.json is 9,117,036 B (M; the base model's is 7.03 MB).",
    '- Decoder I/O (H): 59 inputs (inputs_embeds f32 [B,S,2048], attention_mask, position_ids [3,B,S],',
    '  28 x past key/value f32 [B,8,past,128]), logits + 56 present outputs; NO num_logits_to_keep input, so',
    '  src/vlm/lmRunner.ts feeds the prompt in chunks whose logits stay under 100 MB.',
    '- Deepstack (M-H): the hub vision encoder has one output (image_features) and the decoder no',
    '  visual_pos_masks / deepstack_visual_embeds input; open-chat says the missing DeepStack path predates its',
    '  changes and rebuilt it from the original weights; the hub vision_encoder_q4.onnx is byte-identical to the one',
    "  in onnx-community/Qwen3.5-2B-ONNX. So the export drops Qwen3-VL's multi-level visual features (layers 5,",
    '  11, 17 of the vision tower): fine visual detail is weaker than the PyTorch model; how much is unmeasured.',
    '- M-RoPE (M): the hub decoder selects rotary frequencies contiguously (Qwen2.5-VL style), not interleaved as',
    '  Qwen3 trained; text positions are unaffected, image tokens are rotated differently from training',
    '  (open-chat patches 16 nodes; MNN PR #4133 reports the same bug). Not patched here: a known quality loss.',
    '- The repo has no README/LICENSE; the license is the base model Qwen/Qwen3-VL-2B-Instruct (Apache-2.0).',
    '- Config (base model, M-H): 28 layers, hidden 2048, 16 heads, 8 KV heads, head_dim 128, vocab 151936, tied',
    '  embeddings; vision depth 24, hidden 1024, patch 16, temporal patch 2, merge 2, out 2048.',
    '- preprocessor_config.json: Qwen2VLImageProcessorFast (transformers.js strips "Fast"), mean = std = 0.5,',
    '  size {shortest_edge: 65536, longest_edge: 16777216} (M).',
    'Risk found with the shape-true stand-in (npm run standins): embed_tokens_q4.onnx_data is exactly the size of a',
    '4-bit block-32 table with fp32 scales and 4-bit zero points (151936 x 2048), i.e. probably a com.microsoft',
    'GatherBlockQuantized node; the stand-in built that way does not load on the WASM EP of the onnxruntime-web',
    'WebGPU bundle the app uses ("Could not find an implementation for GatherBlockQuantized(1)"; onnxruntime-node',
    'runs it). Whether the real file uses that op is unverified: the first check on a real device.',
    'Not verified: whether q4f16 / fp16 variants exist at this revision (so none is listed), the contents of',
    'config.json (whether it declares external data: this manifest passes the chunk counts itself).',
    'Defects worked around in src/vlm/families/qwen3vl.ts: multi-image processor call, text-only decode',
    'positions, the chat template file. The fixture writes fp32 graphs under the _q4 names, with .onnx_data files.',
  ].join('\n'),
};
