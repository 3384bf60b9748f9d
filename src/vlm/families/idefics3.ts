// SmolVLM (Idefics3 architecture: SigLIP + SmolLM2; HuggingFaceTB/SmolVLM-256M-Instruct): the light tier's VLM.
//
// - Frames are not split into tiles. The processor's default cuts a large image into up to 4x4 tiles of
//   `max_image_size` plus a global view (up to 17 x 64 tokens and 17 vision-encoder passes per frame); the light tier
//   is for weak devices and sends several frames, so each frame is one `max_image_size` square (64 tokens), which is
//   how SmolVLM itself takes video frames. We resize with our own area filter to that square and turn the
//   processor's resize off: it would first upscale every frame to `size.longest_edge` (2048 px: the tiling size)
//   only to scale it back down to 512.
// - Its chat template indexes `content[0].type` and loops over content parts, so every message's content must be a
//   list of parts (a plain string renders as nothing).
// - transformers.js 4.3.1's Idefics3Processor reads `rows` of the image inputs even when there are none, so a
//   text-only prompt is tokenized directly (the same tokenizer the processor would use).
import { cat, Tensor } from '@huggingface/transformers';
import { rgbaToRawImage } from '../../frames/rawImage';
import { runSession } from '../lmRunner';
import type { ChatMessage } from '../prompt';
import type { PreparedInputs, VlmFamily, VlmProcessor } from './family';

interface Idefics3Processor extends VlmProcessor {
  (text: string, images: unknown[], options: object): Promise<Record<string, Tensor>>;
  image_processor: { max_image_size: { longest_edge: number }; do_resize: boolean };
  config: { image_seq_len: number };
}

const IMAGE_TOKEN = '<image>';

function asParts(message: ChatMessage): ChatMessage {
  return typeof message.content === 'string' ? { ...message, content: [{ type: 'text', text: message.content }] } : message;
}

export const idefics3Family: VlmFamily = {
  name: 'SmolVLM (Idefics3)',
  modelTypes: ['idefics3', 'smolvlm'],

  templateMessages: (messages) => messages.map(asParts),
  // Each frame is encoded on its own inside a call (a batch axis): memory grows linearly with the frames per call.
  visionFramesPerCall: 2,

  async encodeImages(model, inputs, { framesPerCall, known, signal, onFrames }) {
    const pixels = inputs.pixel_values;
    const mask = inputs.pixel_attention_mask;
    if (!pixels || !mask) return [];
    const session = model.sessions.vision_encoder;
    if (!session) throw new Error('the model has no vision encoder session');
    // pixel_values [1, N, 3, L, L] and pixel_attention_mask [1, N, L, L]: images on axis 1.
    const images = pixels.dims[1]!;
    const out: (Tensor | undefined)[] = Array.from({ length: images }, (_, i) => known?.[i]);
    const todo = out.flatMap((t, i) => (t ? [] : [i]));
    let done = images - todo.length;
    const pick = (t: Tensor, group: number[]) =>
      cat(
        group.map((i) => t.slice(null, [i, i + 1])),
        1,
      );
    for (let k = 0; k < todo.length; k += framesPerCall) {
      signal?.throwIfAborted();
      const group = todo.slice(k, k + framesPerCall);
      const result = await runSession(session, { pixel_values: pick(pixels, group), pixel_attention_mask: pick(mask, group) });
      const features = result.image_features;
      if (!features) throw new Error('the vision encoder returned no image_features');
      // [n, seq, hidden]: one [seq, hidden] block per image.
      group.forEach((i, j) => {
        out[i] = features.slice([j, j + 1]).view(-1, features.dims.at(-1)!);
      });
      done += group.length;
      onFrames?.(done, images);
    }
    return out as Tensor[];
  },

  lmPrompt(model, inputs, imageFeatures) {
    // Plain 1-D positions ([1, S]): the cumulative attention mask minus one, with no padding here.
    return {
      ids: inputs.input_ids.data as BigInt64Array,
      imageTokenId: model.config.image_token_id as number,
      imageFeatures,
      positions: (start, end) =>
        new Tensor(
          'int64',
          BigInt64Array.from({ length: end - start }, (_, i) => BigInt(start + i)),
          [1, end - start],
        ),
      nextPosition: (pastLength) => new Tensor('int64', new BigInt64Array([BigInt(pastLength)]), [1, 1]),
    };
  },

  prepareProcessor(processor) {
    (processor as Idefics3Processor).image_processor.do_resize = false;
  },

  async prepareInputs(processor, text, frames, options): Promise<PreparedInputs> {
    const p = processor as Idefics3Processor;
    const placeholders = text.split(IMAGE_TOKEN).length - 1;
    if (placeholders !== frames.length) throw new Error(`prompt has ${placeholders} image tokens for ${frames.length} frames`);
    if (frames.length === 0) {
      const { input_ids, attention_mask } = p.tokenizer(text);
      return { inputs: { input_ids, attention_mask }, tokensPerImage: [] };
    }
    const side = p.image_processor.max_image_size.longest_edge;
    const images = frames.map((frame) => {
      options.signal?.throwIfAborted();
      return rgbaToRawImage(frame, side, side);
    });
    const out = await p(text, images, { do_image_splitting: false });
    const { input_ids, attention_mask, pixel_values, pixel_attention_mask } = out;
    if (!input_ids || !attention_mask || !pixel_values || !pixel_attention_mask) {
      throw new Error('the SmolVLM processor returned incomplete inputs');
    }
    return {
      inputs: { input_ids, attention_mask, pixel_values, pixel_attention_mask },
      tokensPerImage: frames.map(() => p.config.image_seq_len),
    };
  },
};
