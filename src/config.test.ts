import { describe, expect, it } from 'vitest';
import { readConfig } from './config';

describe('readConfig', () => {
  it('defaults to the hub, auto backend and 32 frames', () => {
    const c = readConfig('', 'http://localhost:5173');
    expect(c.modelSource).toEqual({ kind: 'hub', baseUrl: 'https://huggingface.co' });
    expect(c).toMatchObject({ backend: 'auto', vlmFrames: null, tier: null });
  });

  it('takes a mirror, a backend and a frame count from the URL, ignoring bad values', () => {
    const c = readConfig('?models=/models/&backend=wasm&vlmFrames=8', 'http://h');
    expect(c.modelSource).toEqual({ kind: 'mirror', baseUrl: 'http://h/models' });
    expect(c).toMatchObject({ backend: 'wasm', vlmFrames: 8 });
    expect(readConfig('?backend=cuda&vlmFrames=999', 'http://h')).toMatchObject({ backend: 'auto', vlmFrames: null });
  });

  it('takes a model tier override from the URL', () => {
    expect(readConfig('?tier=light', 'http://h').tier).toBe('light');
    expect(readConfig('?tier=giant', 'http://h').tier).toBeNull();
  });

  it("takes the demo video from ?demo=, else the default path on the app's origin", () => {
    expect(readConfig('', 'http://h').demoVideoUrl).toBe('http://h/demo/room3r-demo.webm');
    expect(readConfig('?demo=/demo/arkitscenes-47334096.webm', 'http://h').demoVideoUrl).toBe('http://h/demo/arkitscenes-47334096.webm');
    expect(readConfig('?demo=https://example.org/room.mp4', 'http://h').demoVideoUrl).toBe('https://example.org/room.mp4');
  });
});
