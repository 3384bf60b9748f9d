import { describe, expect, it } from 'vitest';
import { type ChatMessage, DEFAULT_SYSTEM_PREAMBLE, FRAMES_NOTE, buildMessages, questionText, sampleFrames } from './prompt';
import type { VlmFrame, VlmRequest } from './types';

function frame(i: number): VlmFrame {
  return { image: { width: 2, height: 2, data: new Uint8ClampedArray(16).fill(i) }, timestampMs: i * 500, sourceFrame: i * 15 };
}

function request(over: Partial<VlmRequest> = {}): VlmRequest {
  return { history: [], question: 'How wide is the room?', spatialContext: 'Room: 4.2 m x 3.1 m.', frames: [], ...over };
}

describe('sampleFrames', () => {
  it('keeps everything when under the limit', () => {
    expect(sampleFrames([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
  it('spreads uniformly and keeps first and last', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const s = sampleFrames(xs, 5);
    expect(s).toEqual([0, 25, 50, 74, 99]);
    expect(sampleFrames(xs, 32)).toHaveLength(32);
    expect(new Set(sampleFrames(xs, 32)).size).toBe(32);
  });
  it('handles 0 and 1', () => {
    expect(sampleFrames([1, 2, 3], 0)).toEqual([]);
    expect(sampleFrames([1, 2, 3], 1)).toEqual([2]);
  });
});

describe('buildMessages', () => {
  it('a constant system message; the scene context goes with the question', () => {
    const { messages } = buildMessages(request());
    expect(messages[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PREAMBLE });
    expect(messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: questionText('Room: 4.2 m x 3.1 m.', 'How wide is the room?') }] });
    expect(questionText('Room: 4.2 m x 3.1 m.', ' How wide is the room? ')).toBe(
      'Scene context (measured on the 3D map):\nRoom: 4.2 m x 3.1 m.\n\nQuestion: How wide is the room?',
    );
    expect(questionText('  ', 'How wide?')).toBe('How wide?');
  });
  it('frames first in a message of their own, then the history as text, then the new turn', () => {
    const { messages, frames } = buildMessages(
      request({
        history: [
          { role: 'user', text: 'How many chairs?' },
          { role: 'assistant', text: 'Four chairs.' },
          { role: 'user', text: '' },
        ],
        frames: [frame(0), frame(1), frame(2)],
      }),
    );
    expect(frames).toHaveLength(3);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'user', 'assistant', 'user']);
    const framesPart = messages[1]!.content as Exclude<ChatMessage['content'], string>;
    expect(framesPart.filter((p) => p.type === 'image')).toHaveLength(3);
    expect(framesPart[0]).toEqual({ type: 'text', text: 'Frame 1 (0.0 s): ' });
    expect(framesPart[4]).toEqual({ type: 'text', text: 'Frame 3 (1.0 s): ' });
    expect(framesPart.at(-1)).toEqual({ type: 'text', text: FRAMES_NOTE });
    expect(messages[2]).toEqual({ role: 'user', content: 'How many chairs?' });
    expect(messages[3]).toEqual({ role: 'assistant', content: 'Four chairs.' });
    expect(JSON.stringify(messages[4])).not.toContain('image');
  });
  it('the prompt up to the end of the frames does not depend on the question, the context or the history', () => {
    const frames = [frame(0), frame(1)];
    const a = buildMessages(request({ frames }));
    const b = buildMessages(request({ frames, question: 'Where is the sofa?', spatialContext: 'Room: 5 m x 4 m.', history: [{ role: 'user', text: 'Hi' }] }));
    expect(b.messages.slice(0, 2)).toEqual(a.messages.slice(0, 2));
  });
  it('limits frames and can drop labels', () => {
    const frames = Array.from({ length: 40 }, (_, i) => frame(i));
    const built = buildMessages(request({ frames }), { maxFrames: 8, labelFrames: false });
    expect(built.frames).toHaveLength(8);
    expect(built.frames[0]).toBe(frames[0]);
    expect(built.frames[7]).toBe(frames[39]);
    const parts = built.messages[1]!.content as { type: string }[];
    expect(parts.map((p) => p.type)).toEqual([...Array(8).fill('image'), 'text']);
  });
  it("the plan is the new turn's image, with its caption before the context and the question", () => {
    const plan = { image: { width: 2, height: 2, data: new Uint8ClampedArray(16) }, caption: 'The last image is a plan.' };
    const built = buildMessages(request({ frames: [frame(0)], plan }));
    expect(built.plan).toBe(plan.image);
    expect(built.messages.at(-1)!.content).toEqual([
      { type: 'image' },
      { type: 'text', text: `The last image is a plan.\n\n${questionText('Room: 4.2 m x 3.1 m.', 'How wide is the room?')}` },
    ]);
    // The frames' message is the same with or without a plan (the reusable prefix).
    expect(built.messages.slice(0, 2)).toEqual(buildMessages(request({ frames: [frame(0)] })).messages.slice(0, 2));
  });
  it('text-only requests have no frames message', () => {
    const { messages } = buildMessages(request({ spatialContext: '' }));
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[1]!.content).toEqual([{ type: 'text', text: 'How wide is the room?' }]);
  });
});
