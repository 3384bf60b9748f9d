// Runs the real transformers.js Idefics3 path (Idefics3Processor, SmolVLM chat template, vision encoder, image-token
// merge, KV-cached decoder with flat positions, streamer) on the project's tiny fixture of SmolVLM-256M-Instruct,
// the light tier's VLM, through the same engine as Qwen3-VL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMOLVLM_FIXTURE_IMAGE_SEQ_LEN, SMOLVLM_FIXTURE_REPO, writeSmolVlmFixture } from '../../scripts/fixtures/smolvlm';
import { smolvlmManifest } from '../models/manifests/smolvlm';
import { configureTransformersEnv } from '../models/transformersEnv';
import { testFrames } from './testFrames';
import type { VlmRequest } from './types';
import { VlmChat } from './vlmChat';

let root = '';
let chat: VlmChat;

const frames = (n: number, seed = 0) => testFrames(n, seed, 96, 72);

function req(over: Partial<VlmRequest> = {}): VlmRequest {
  return {
    history: [],
    question: 'Is the lamp left of the sofa?',
    spatialContext: 'Room 5.0 m x 4.0 m. Sofa 2.1 m wide; lamp 0.8 m from it.',
    frames: frames(3),
    maxNewTokens: 48,
    ...over,
  };
}

async function ask(r: VlmRequest, opts: Parameters<VlmChat['generate']>[1] = {}) {
  const chunks: string[] = [];
  const reply = await chat.generate(r, { ...opts, onToken: (c) => chunks.push(c) });
  return { ...reply, chunks };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'room3r-smolvlm-'));
  await writeSmolVlmFixture(root);
  configureTransformersEnv({ localModelPath: root, allowRemote: false });
  const wasm = smolvlmManifest.variants.find((v) => v.id === 'wasm-q8')!;
  chat = await VlmChat.load({ modelId: SMOLVLM_FIXTURE_REPO, dtype: wasm.dtype!, device: 'cpu' });
}, 60_000);

afterAll(async () => {
  await chat?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('VlmChat on the SmolVLM (Idefics3) fixture', () => {
  it('is driven by the Idefics3 family, with no workaround on the model', () => {
    expect(chat.family.name).toBe('SmolVLM (Idefics3)');
    expect(chat.patches).toEqual([]);
  });

  it('streams a reply that ends by itself; the chunks concatenate to the final text', async () => {
    const r = await ask(req({ maxNewTokens: 120 }));
    expect(r.stopped).toBe(false);
    expect(r.tokens).toBeGreaterThan(5);
    expect(r.tokens).toBeLessThan(120);
    expect(r.chunks.length).toBeGreaterThan(1);
    expect(r.chunks.join('')).toBe(r.text);
    expect(r.frames).toBe(3);
    expect(r.imageTokens).toBe(3 * SMOLVLM_FIXTURE_IMAGE_SEQ_LEN);
  });

  it('builds the SmolVLM prompt: role-prefixed turns, one unsplit image block per frame', async () => {
    const p = await chat.prepare(
      req({
        history: [
          { role: 'user', text: 'How many chairs?' },
          { role: 'assistant', text: 'Four.' },
        ],
      }),
    );
    expect(p.text.startsWith('<|im_start|>System: You are the assistant of Room3R')).toBe(true);
    // The frames first (the reusable prefix), then the history, then the context and the question.
    expect(p.text).toContain('<end_of_utterance>\nUser: Frame 1 (0.0 s): <image>Frame 2 (1.0 s): <image>');
    expect(p.text).toContain('in capture order.<end_of_utterance>\nUser: How many chairs?<end_of_utterance>\nAssistant: Four.<end_of_utterance>\n');
    expect(p.text.endsWith('\n\nQuestion: Is the lamp left of the sofa?<end_of_utterance>\nAssistant:')).toBe(true);
    const { inputs } = p;
    // One [1, frames, 3, side, side] tensor, every pixel real.
    expect(inputs.pixel_values!.dims).toEqual([1, 3, 3, 32, 32]);
    expect(inputs.pixel_attention_mask!.dims).toEqual([1, 3, 32, 32]);
    expect((inputs.pixel_attention_mask!.data as Uint8Array).every((v) => Boolean(v))).toBe(true);
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const imageId = (chat.model as unknown as { config: { image_token_id: number } }).config.image_token_id;
    expect(ids.filter((id) => id === imageId).length).toBe(p.imageTokens);
  });

  it('the reply depends on the question, the spatial context and the frames', async () => {
    const base = (await ask(req())).text;
    expect((await ask(req())).text).toBe(base); // greedy: deterministic
    expect((await ask(req({ question: 'How far is the door from the window?' }))).text).not.toBe(base);
    expect((await ask(req({ spatialContext: 'Room 3.0 m x 3.0 m. One bed.' }))).text).not.toBe(base);
    expect((await ask(req({ frames: frames(3, 40) }))).text).not.toBe(base);
  });

  it('answers text-only requests (the stock 4.3.1 processor throws without images)', async () => {
    const stock = chat.processor as unknown as (text: string) => Promise<unknown>;
    await expect(stock('<|im_start|>User: Hi<end_of_utterance>\nAssistant:')).rejects.toThrow();
    const r = await ask(req({ frames: [], maxNewTokens: 8 }));
    expect(r.frames).toBe(0);
    expect(r.imageTokens).toBe(0);
    expect(r.tokens).toBeGreaterThan(1);
  });

  it('takes 16 frames and stops when asked', async () => {
    const many = await ask(req({ frames: frames(16), maxNewTokens: 4 }), { maxFrames: 16 });
    expect(many.frames).toBe(16);
    expect(many.imageTokens).toBe(16 * SMOLVLM_FIXTURE_IMAGE_SEQ_LEN);
    const abort = new AbortController();
    const stopped = await chat.generate(req({ maxNewTokens: 200 }), {
      signal: abort.signal,
      onToken: () => abort.abort(),
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.tokens).toBeLessThan(200);
  });

  it('loads every manifest variant (dtype map) from the fixture', async () => {
    for (const variant of smolvlmManifest.variants) {
      const v = await VlmChat.load({ modelId: SMOLVLM_FIXTURE_REPO, dtype: variant.dtype!, device: 'cpu' });
      const r = await v.generate(req({ maxNewTokens: 3 }));
      expect(r.tokens).toBe(3);
      await v.dispose();
    }
  });
});
