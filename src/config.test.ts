import { describe, expect, it } from 'vitest';
import { readConfig } from './config';

const noBuild = { modelBaseUrl: '', demoVideoUrl: '' };

describe('readConfig', () => {
  it('defaults to the hub, auto backend and the tier frames', () => {
    const c = readConfig('', 'http://localhost:5173', noBuild);
    expect(c.modelSource).toEqual({ kind: 'hub', baseUrl: 'https://huggingface.co' });
    expect(c).toMatchObject({ backend: 'auto', vlmFrames: null, tier: null, problems: [] });
  });

  it('takes a mirror on its own origin, a backend and a frame count from the URL, ignoring bad values', () => {
    const c = readConfig('?models=/models/&backend=wasm&vlmFrames=8', 'http://h', noBuild);
    expect(c.modelSource).toEqual({ kind: 'mirror', baseUrl: 'http://h/models' });
    expect(c).toMatchObject({ backend: 'wasm', vlmFrames: 8 });
    expect(readConfig('?backend=cuda&vlmFrames=999', 'http://h', noBuild)).toMatchObject({ backend: 'auto', vlmFrames: null });
  });

  it('refuses models from another host, whatever the spelling, and says why', () => {
    for (const link of ['https://evil.example/models', '//evil.example/models', 'http://h.evil.example/models', 'javascript:alert(1)']) {
      const c = readConfig(`?models=${encodeURIComponent(link)}`, 'http://h', noBuild);
      expect(c.modelSource, link).toEqual({ kind: 'hub', baseUrl: 'https://huggingface.co' });
      expect(c.problems, link).toHaveLength(1);
      expect(c.problems[0]).toMatch(/Models are loaded only from the Hugging Face hub or from this site, so nothing was loaded from there/);
    }
    expect(readConfig('?models=https%3A%2F%2Fevil.example%2Fm', 'http://h', noBuild).problems[0]).toContain('evil.example');
  });

  it("uses the build's model host, which a link cannot replace with another", () => {
    const build = { modelBaseUrl: 'https://models.example.org/room3r/', demoVideoUrl: '' };
    expect(readConfig('', 'http://h', build).modelSource).toEqual({ kind: 'mirror', baseUrl: 'https://models.example.org/room3r' });
    expect(readConfig('?models=https://evil.example/', 'http://h', build).modelSource).toEqual({
      kind: 'mirror',
      baseUrl: 'https://models.example.org/room3r',
    });
  });

  it('takes a model tier override from the URL', () => {
    expect(readConfig('?tier=light', 'http://h', noBuild).tier).toBe('light');
    expect(readConfig('?tier=giant', 'http://h', noBuild).tier).toBeNull();
  });

  it("takes the demo video from ?demo= on this site or the build's demo host, else the default", () => {
    expect(readConfig('', 'http://h', noBuild).demoVideoUrl).toBe('http://h/demo/room3r-demo.webm');
    expect(readConfig('?demo=/demo/arkitscenes-47334096.webm', 'http://h', noBuild).demoVideoUrl).toBe('http://h/demo/arkitscenes-47334096.webm');
    const other = readConfig('?demo=https://example.org/room.mp4', 'http://h', noBuild);
    expect(other.demoVideoUrl).toBe('http://h/demo/room3r-demo.webm');
    expect(other.problems[0]).toMatch(/demo video from example.org, which this site does not allow/);
    const build = { modelBaseUrl: '', demoVideoUrl: 'https://media.example.org/demo.webm' };
    expect(readConfig('', 'http://h', build).demoVideoUrl).toBe('https://media.example.org/demo.webm');
    expect(readConfig('?demo=https://media.example.org/other.webm', 'http://h', build).demoVideoUrl).toBe('https://media.example.org/other.webm');
  });
});
