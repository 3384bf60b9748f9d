// OWLv2 ViT-B/16 as exported by Xenova for transformers.js: the open-vocabulary object detector run on keyframes.
// The project's fixture (scripts/fixtures/detector.ts) uses the same repo id, file names and ONNX I/O names.
import type { ModelManifest } from '../manifest';

export const owlv2Manifest: ModelManifest = {
  id: 'owlv2-base-patch16',
  name: 'OWLv2 B/16',
  role: 'detector',
  repo: 'Xenova/owlv2-base-patch16',
  revision: 'main',
  license: 'Apache-2.0',
  files: [{ path: 'config.json' }, { path: 'preprocessor_config.json' }, { path: 'tokenizer.json', approxBytes: 2_220_000 }, { path: 'tokenizer_config.json' }],
  variants: [
    // Best first: chooseVariant() takes the first that fits the device.
    {
      // fp16 activations, 4-bit MatMul weights: the smallest download (~128 MB), needs shader-f16.
      id: 'webgpu-q4f16',
      devices: ['webgpu'],
      needsShaderF16: true,
      files: [{ path: 'onnx/model_q4f16.onnx', approxBytes: 128_000_000 }],
      dtype: { model: 'q4f16' },
    },
    {
      // WebGPU without shader-f16: fp32 activations, 4-bit MatMulNBits weights (~194 MB).
      id: 'webgpu-q4',
      devices: ['webgpu'],
      files: [{ path: 'onnx/model_q4.onnx', approxBytes: 194_000_000 }],
      dtype: { model: 'q4' },
    },
    {
      // CPU (wasm): int8 dynamic quantisation (~155 MB), transformers.js' default dtype on wasm. Its MatMulInteger
      // ops have no WebGPU kernels, so this file is for wasm only.
      id: 'wasm-q8',
      devices: ['wasm'],
      files: [{ path: 'onnx/model_quantized.onnx', approxBytes: 155_000_000, sha256: '279a4827037e076fc62cff27c84258cab4562f14512aa2ba30fda8b156451167' }],
      dtype: { model: 'q8' },
    },
  ],
  io: {
    model: {
      inputs: [
        // One row per label (query); CLIP BPE, <|startoftext|> ... <|endoftext|>, padded with "!" (id 0), at most 16.
        { name: 'input_ids', type: 'int64', shape: ['text_batch_size', 'sequence_length'] },
        // 960x960 RGB, CLIP mean/std normalised; dims are dynamic in the export but position embeddings and the
        // box bias are computed for 60x60 patches, so only 960x960 works.
        { name: 'pixel_values', type: 'float32', shape: ['image_batch_size', 3, 'height', 'width'] },
        { name: 'attention_mask', type: 'int64', shape: ['text_batch_size', 'sequence_length'] },
      ],
      outputs: [
        // Raw class logits per (patch box, query); sigmoid gives the score.
        { name: 'logits', type: 'float32', shape: ['image_batch_size', 3600, 'num_queries'] },
        // (cx, cy, w, h) in 0..1 of the padded square input.
        { name: 'pred_boxes', type: 'float32', shape: ['image_batch_size', 3600, 4] },
        { name: 'text_embeds', type: 'float32', shape: ['image_batch_size', 'num_queries', 512] },
        { name: 'image_embeds', type: 'float32', shape: ['image_batch_size', 60, 60, 768] },
      ],
    },
  },
  docs: [
    'Chosen over Grounding DINO tiny (onnx-community/grounding-dino-tiny-ONNX) and OWL-ViT v1; see docs/MODELS.md.',
    'Confirmed from the transformers.js 4.3.1 source (node_modules/@huggingface/transformers/src):',
    '- model_type "owlv2" -> Owlv2ForObjectDetection via AutoModelForZeroShotObjectDetection, an EncoderOnly model:',
    '  one session "model" = onnx/model{suffix}.onnx (utils/dtypes.js: q4f16 -> _q4f16, q4 -> _q4, q8 -> _quantized,',
    '  fp16 -> _fp16, fp32 -> none); encoder_forward feeds the session every input it names (input_ids,',
    '  attention_mask, pixel_values) and returns its outputs by name.',
    '- Owlv2ImageProcessor is the generic ImageProcessor: size {height,width} -> stretched resize (no padding to a',
    '  square, unlike Python transformers), rescale 1/255, normalise. The zero-shot pipeline tokenises the labels with',
    '  padding + truncation, runs the model per image and applies sigmoid per (box, label) with no NMS',
    '  (image_processors_utils.js post_process_object_detection, is_zero_shot). src/perception/detector.ts pads to',
    '  the square itself (as the Python Owlv2ImageProcessor does: bottom/right, value 0.5), so the processor only',
    '  rescales/normalises, and keeps the best label per box + per-label NMS.',
    'Found with the search tool (Hugging Face pages; high confidence):',
    '- Xenova/owlv2-base-patch16 onnx/ at main (commit 7463883, "Add/update the quantized ONNX model files ... v3"):',
    '  model.onnx 614 MB, model_fp16 308 MB, model_q4f16 128 MB, model_q4 194 MB, model_quantized 155 MB,',
    '  model_uint8 163 MB, model_bnb4 186 MB (sizes as the hub rounds them; exact bytes not verified). Root: config.json,',
    '  preprocessor_config.json, tokenizer.json (2.22 MB), tokenizer_config.json, special_tokens_map.json, vocab.json,',
    '  merges.txt, quantize_config.json (the last four are not read by transformers.js). No external data files.',
    "- model_quantized.onnx SHA-256 279a4827…451167 (the hub's LFS pointer); model_fp16.onnx 8b121655…8f9ce9 (unused).",
    '  q4 / q4f16 checksums and all exact sizes: not verified (those files are checked by nothing but their parse).',
    '- preprocessor_config.json of the OWLv2 B/16 repos (google/*, Xenova/*-finetuned, hf-internal-testing): processor',
    '  Owlv2Processor, image_processor_type Owlv2ImageProcessor, size 960x960, do_pad, rescale 1/255, CLIP mean',
    '  [0.48145466,0.4578275,0.40821073] std [0.26862954,0.26130258,0.27577711], resample 2.',
    '- tokenizer_config.json of google/owlv2-base-patch16(-ensemble): CLIPTokenizer, model_max_length 16, pad "!" (id 0),',
    '  bos <|startoftext|> 49406, eos <|endoftext|> 49407, do_lower_case.',
    '- ONNX I/O names: optimum exporters OwlViTOnnxConfig (OwlV2OnnxConfig subclasses it), task zero-shot-object-detection:',
    '  inputs input_ids, pixel_values, attention_mask; outputs logits {0: image_batch_size, 2: num_queries}, pred_boxes',
    '  {0: image_batch_size, 1: num_boxes}, text_embeds, image_embeds. Batch of one image (NMS note in that config).',
    'Assumed (from the HF PyTorch model, not read from the hosted graph): 3600 boxes (60x60 patches of 16 px at 960),',
    'text_embeds [B, Q, 512] (projection_dim), image_embeds [B, 60, 60, 768]; boxes (cx, cy, w, h) sigmoid-normalised to',
    'the padded input; that the q4f16 file keeps float32 inputs/outputs (the detector casts to float16 if its graph',
    'says otherwise).',
    'Alternatives with the same layout and I/O (swap `repo`): Xenova/owlv2-base-patch16-ensemble (the checkpoint Google',
    'recommends; at last look only fp32/fp16/q8 files), onnx-community/owlv2-base-patch16-ensemble-ONNX (model_quantized',
    '163 MB, SHA-256 88efc808…27c5; other files not verified).',
    'The fixture writes fp32 graphs under the _q4f16/_q4/_quantized names and says 480x480 in its preprocessor config.',
  ].join('\n'),
};
