import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_PREAMBLE, buildMessages, sampleFrames, systemText } from './prompt';
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
  it('puts the spatial context in the system message', () => {
    const { messages } = buildMessages(request());
    expect(messages[0]).toEqual({ role: 'system', content: systemText('Room: 4.2 m x 3.1 m.') });
    expect(messages[0]!.content).toContain('Scene context:\nRoom: 4.2 m x 3.1 m.');
    expect(messages[0]!.content).toContain(DEFAULT_SYSTEM_PREAMBLE);
  });
  it('omits the context heading when there is no context', () => {
    const { messages } = buildMessages(request({ spatialContext: '  ' }));
    expect(messages[0]!.content).toBe(DEFAULT_SYSTEM_PREAMBLE);
  });
  it('replays history as text turns and attaches frames to the new turn only', () => {
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
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]).toEqual({ role: 'user', content: 'How many chairs?' });
    expect(messages[2]).toEqual({ role: 'assistant', content: 'Four chairs.' });
    const last = messages[3]!.content;
    expect(Array.isArray(last)).toBe(true);
    const parts = last as Exclude<typeof last, string>;
    expect(parts.filter((p) => p.type === 'image')).toHaveLength(3);
    expect(parts[0]).toEqual({ type: 'text', text: 'Frame 1 (0.0 s): ' });
    expect(parts[4]).toEqual({ type: 'text', text: 'Frame 3 (1.0 s): ' });
    expect(parts.at(-1)).toEqual({ type: 'text', text: '\nHow wide is the room?' });
  });
  it('limits frames and can drop labels', () => {
    const frames = Array.from({ length: 40 }, (_, i) => frame(i));
    const built = buildMessages(request({ frames }), { maxFrames: 8, labelFrames: false });
    expect(built.frames).toHaveLength(8);
    expect(built.frames[0]).toBe(frames[0]);
    expect(built.frames[7]).toBe(frames[39]);
    const parts = built.messages.at(-1)!.content as { type: string }[];
    expect(parts.map((p) => p.type)).toEqual([...Array(8).fill('image'), 'text']);
  });
  it('text-only requests give a plain question part', () => {
    const parts = buildMessages(request()).messages.at(-1)!.content;
    expect(parts).toEqual([{ type: 'text', text: 'How wide is the room?' }]);
  });
});
