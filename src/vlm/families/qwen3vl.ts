// Qwen3-VL (onnx-community/Qwen3-VL-2B-Instruct-ONNX): the quality tier's VLM.
//
// Works around two defects of @huggingface/transformers 4.3.1 (pinned in package.json; re-check on upgrade):
// 1. `Qwen2VLProcessor._call` (src/models/qwen2_vl/processing_qwen2_vl.js) hands all images to the image processor
//    at once; `Qwen2VLImageProcessor._call` (src/models/qwen2_vl/image_processing_qwen2_vl.js) then treats the
//    batch as the temporal axis of ONE video (grid_t = N / temporal_patch_size) and returns a single grid row, so
//    two or more images throw when the prompt's second <|image_pad|> is expanded. We run the image processor once
//    per frame, concatenate pixel_values and image_grid_thw, and expand each <|image_pad|> ourselves
//    (t·h·w / merge² tokens each, exactly what the processor does for one image).
// 2. `Qwen2VLForConditionalGeneration._get_text_only_rope_index` (src/models/qwen2_vl/modeling_qwen2_vl.js) returns
//    rope deltas max(pos) + 1 + S where the Python reference has max(pos) + 1 - S, so every decode step of a
//    text-only prompt gets position past + 2S instead of past. `applyTextOnlyRopeFix` detects the defect on the
//    loaded model (it probes the method) and overrides it on that instance only.
// 3. The export keeps its chat template in `chat_template.jinja` (its tokenizer_config.json has none), and 4.3.1's
//    Qwen processors read only tokenizer_config.json, so `apply_chat_template` would throw. The processor is loaded
//    through a subclass that turns on the base Processor's template-file loading (what Gemma 3's processor does).
import { Qwen3VLProcessor, Tensor, cat, type RawImage } from '@huggingface/transformers';
import { rgbaToRawImage } from '../../frames/rawImage';
import { runSession } from '../lmRunner';
import type { LoadedVlm, VlmFamily, VlmProcessor } from './family';

interface QwenImageProcessor {
  (image: RawImage): Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>;
  config: { patch_size: number; merge_size: number; temporal_patch_size: number };
  min_pixels?: number;
  max_pixels?: number;
}
interface QwenProcessor extends VlmProcessor {
  image_processor: QwenImageProcessor;
}
type RopeIndexFn = (input_ids: Tensor, attention_mask: Tensor | null) => [Tensor, Tensor];

const IMAGE_PAD = '<|image_pad|>';

/** Qwen's smart_resize: sides multiples of `factor`, area within [minPixels, maxPixels], aspect kept. */
export function qwenTargetSize(width: number, height: number, factor: number, minPixels: number, maxPixels: number): { width: number; height: number } {
  let h = height,
    w = width;
  if (h < factor || w < factor) {
    const s = Math.max(factor / h, factor / w);
    h = Math.round(h * s);
    w = Math.round(w * s);
  }
  let hb = Math.max(factor, Math.round(h / factor) * factor);
  let wb = Math.max(factor, Math.round(w / factor) * factor);
  if (hb * wb > maxPixels) {
    const beta = Math.sqrt((h * w) / maxPixels);
    hb = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wb = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (hb * wb < minPixels) {
    const beta = Math.sqrt(minPixels / (h * w));
    hb = Math.ceil((h * beta) / factor) * factor;
    wb = Math.ceil((w * beta) / factor) * factor;
  }
  return { width: wb, height: hb };
}

/**
 * Corrected text-only M-RoPE index (Python reference: positions = cumsum(mask) - 1, masked to 1;
 * delta = max(position) + 1 - S), used instead of transformers.js 4.3.1's version (see the header).
 */
export function textOnlyRopeIndex(input_ids: Tensor, attention_mask: Tensor | null): [Tensor, Tensor] {
  const [batch, seq] = input_ids.dims as [number, number];
  const pos = new BigInt64Array(batch * seq);
  const deltas = new BigInt64Array(batch);
  for (let b = 0; b < batch; b++) {
    let sum = 0n;
    let max = -1n;
    for (let j = 0; j < seq; j++) {
      const m = attention_mask ? BigInt((attention_mask.data as BigInt64Array)[b * seq + j]!) : 1n;
      const p = m === 0n ? 1n : sum;
      if (m !== 0n) sum += m;
      pos[b * seq + j] = p;
      if (p > max) max = p;
    }
    deltas[b] = max + 1n - BigInt(seq);
  }
  const pos3 = new BigInt64Array(3 * batch * seq);
  for (let a = 0; a < 3; a++) pos3.set(pos, a * batch * seq);
  return [new Tensor('int64', pos3, [3, batch, seq]), new Tensor('int64', deltas, [batch, 1])];
}

/** True when the model's text-only rope deltas disagree with the reference (the 4.3.1 defect). */
export function textOnlyRopeIsBuggy(model: { _get_text_only_rope_index: RopeIndexFn }): boolean {
  const ids = new Tensor('int64', new BigInt64Array([1n, 2n, 3n]), [1, 3]);
  const mask = new Tensor('int64', new BigInt64Array([1n, 1n, 1n]), [1, 3]);
  const [, deltas] = model._get_text_only_rope_index(ids, mask);
  return (deltas.data as BigInt64Array)[0] !== 0n;
}

/** Overrides the defective method on this model instance only; returns whether it did. */
export function applyTextOnlyRopeFix(model: { _get_text_only_rope_index: RopeIndexFn }): boolean {
  if (!textOnlyRopeIsBuggy(model)) return false;
  model._get_text_only_rope_index = textOnlyRopeIndex;
  return true;
}

type RopeIndex = (ids: Tensor, grid: Tensor | undefined, video: undefined, mask: Tensor) => [Tensor, Tensor];

/** Rows [from, to) of a 2-D tensor. */
function rows(t: Tensor, from: number, to: number): Tensor {
  const cols = t.dims[1]!;
  return new Tensor(t.type as never, (t.data as Float32Array).slice(from * cols, to * cols) as never, [to - from, cols]);
}

/** Qwen3VLProcessor that also reads `chat_template.jinja` (defect 3 above). */
class Qwen3VLProcessorWithTemplateFile extends Qwen3VLProcessor {
  static override uses_chat_template_file = true;
}

export const qwen3vlFamily: VlmFamily = {
  name: 'Qwen3-VL',
  modelTypes: ['qwen3_vl'],
  // The vision encoder attends over all patches of a call (one block per image): its attention scores grow with
  // the square of the patches in the call, so frames go one at a time (a 448 px frame is ~800 patches).
  visionFramesPerCall: 1,

  loadProcessor: async (modelId, options) => (await Qwen3VLProcessorWithTemplateFile.from_pretrained(modelId, options)) as unknown as VlmProcessor,

  async encodeImages(model, inputs, { framesPerCall, known, signal, onFrames }) {
    const grid = inputs.image_grid_thw;
    const pixels = inputs.pixel_values;
    if (!grid || !pixels) return [];
    const session = visionSession(model);
    const thw = Array.from(grid.data as BigInt64Array, Number);
    const images = grid.dims[0]!;
    const patches = Array.from({ length: images }, (_, i) => thw[3 * i]! * thw[3 * i + 1]! * thw[3 * i + 2]!);
    const firstRow = patches.map((_, i) => patches.slice(0, i).reduce((a, b) => a + b, 0));
    const merge2 = (((model.config.vision_config as { spatial_merge_size?: number } | undefined)?.spatial_merge_size ?? 2) as number) ** 2;
    const out: (Tensor | undefined)[] = Array.from({ length: images }, (_, i) => known?.[i]);
    const todo = out.flatMap((t, i) => (t ? [] : [i]));
    let done = images - todo.length;
    for (let k = 0; k < todo.length; k += framesPerCall) {
      signal?.throwIfAborted();
      const group = todo.slice(k, k + framesPerCall);
      const pixelRows = cat(
        group.map((i) => rows(pixels, firstRow[i]!, firstRow[i]! + patches[i]!)),
        0,
      );
      const result = await runSession(session, {
        pixel_values: pixelRows,
        image_grid_thw: cat(
          group.map((i) => rows(grid, i, i + 1)),
          0,
        ),
      });
      const features = result.image_features;
      if (!features) throw new Error('the vision encoder returned no image_features');
      let row = 0;
      for (const i of group) {
        const tokens = patches[i]! / merge2;
        out[i] = rows(features, row, row + tokens);
        row += tokens;
      }
      done += group.length;
      onFrames?.(done, images);
    }
    return out as Tensor[];
  },

  lmPrompt(model, inputs, imageFeatures) {
    const getRopeIndex = (model as unknown as { get_rope_index: RopeIndex }).get_rope_index.bind(model);
    // transformers.js' own M-RoPE index (3 rows: temporal, height, width) for the whole prompt, sliced per chunk.
    const [pos, deltas] = getRopeIndex(inputs.input_ids, inputs.image_grid_thw, undefined, inputs.attention_mask);
    const all = pos.data as BigInt64Array;
    const seq = pos.dims[2]!;
    const delta = (deltas.data as BigInt64Array | number[])[0]!;
    return {
      ids: inputs.input_ids.data as BigInt64Array,
      imageTokenId: model.config.image_token_id as number,
      imageFeatures,
      positions(start, end) {
        const out = new BigInt64Array(3 * (end - start));
        for (let a = 0; a < 3; a++) out.set(all.subarray(a * seq + start, a * seq + end), a * (end - start));
        return new Tensor('int64', out, [3, 1, end - start]);
      },
      nextPosition(pastLength) {
        const p = BigInt(pastLength) + BigInt(delta);
        return new Tensor('int64', new BigInt64Array([p, p, p]), [3, 1, 1]);
      },
    };
  },

  async prepareInputs(processor, text, frames, options) {
    const ip = (processor as QwenProcessor).image_processor;
    const factor = ip.config.patch_size * ip.config.merge_size;
    const procMax = ip.max_pixels ?? Infinity;
    const maxPixels = Math.min(procMax, options.maxPixelsPerFrame ?? procMax);
    const minPixels = Math.min(ip.min_pixels ?? factor * factor, maxPixels);
    const pixelValues: Tensor[] = [];
    const grids: Tensor[] = [];
    const tokensPerImage: number[] = [];
    for (const frame of frames) {
      options.signal?.throwIfAborted();
      // Resize ourselves to a size the processor keeps as is (multiples of patch·merge within its bounds).
      const size = qwenTargetSize(frame.width, frame.height, factor, minPixels, maxPixels);
      const out = await ip(rgbaToRawImage(frame, size.width, size.height));
      pixelValues.push(out.pixel_values);
      grids.push(out.image_grid_thw);
      const [t, h, w] = Array.from(out.image_grid_thw.data as BigInt64Array, Number) as [number, number, number];
      tokensPerImage.push((t * h * w) / ip.config.merge_size ** 2);
    }
    const pads = text.split(IMAGE_PAD).length - 1;
    if (pads !== frames.length) throw new Error(`prompt has ${pads} image pads for ${frames.length} frames`);
    let i = 0;
    const expanded = text.replaceAll(IMAGE_PAD, () => IMAGE_PAD.repeat(tokensPerImage[i++]!));
    const { input_ids, attention_mask } = processor.tokenizer(expanded);
    const vision: Record<string, Tensor> = frames.length > 0 ? { pixel_values: cat(pixelValues, 0), image_grid_thw: cat(grids, 0) } : {};
    return {
      inputs: { ...vision, input_ids, attention_mask },
      tokensPerImage,
    };
  },

  patchModel(model) {
    return applyTextOnlyRopeFix(model as { _get_text_only_rope_index: RopeIndexFn }) ? ['text-only rope deltas'] : [];
  },
};

function visionSession(model: LoadedVlm) {
  const session = model.sessions.vision_encoder;
  if (!session) throw new Error('the model has no vision encoder session');
  return session;
}
