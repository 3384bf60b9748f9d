// Loop closure on a real recording: the redkitchen frames forward (the camera comes back past views it saw half a
// minute before), then the first frames again. With loop closure the keyframes' poses, as the map ends, are closer to
// the ground truth and the surfaces seen twice are one layer, not two, than with it off.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRgbdFolder } from '../../scripts/rgbdRun';
import { trajectoryMetrics } from '../eval/trajectoryMetrics';

const DATA = resolve(__dirname, '../../../shared/data/redkitchen-7scenes');

describe.skipIf(!existsSync(DATA))('loop closure on redkitchen (7-Scenes): 60 frames forward, then the first 20 again', () => {
  it('closes the loops, and the path and map come out closer to the truth than with loop closure off', async () => {
    const run = (loopClosure: boolean) => runRgbdFolder(DATA, 1, { first: 60, revisit: 20, loopClosure });
    const on = await run(true);
    const off = await run(false);
    const ate = (r: typeof on) => trajectoryMetrics(r.final, r.gt).ateRmse;
    expect(on.pipeline.loopClosures.length).toBeGreaterThan(0);
    expect(off.pipeline.loopClosures).toEqual([]);
    // Measured: 2.8 cm with it, 3.8 cm without.
    expect(ate(on)).toBeLessThan(0.85 * ate(off));
    // The same surfaces, once: fewer voxels (measured 186 k against 211 k).
    expect(on.pipeline.map.size).toBeLessThan(0.95 * off.pipeline.map.size);
    // Each closure joined a keyframe to one far back and moved the path by centimetres, not metres.
    for (const loop of on.pipeline.loopClosures) {
      expect(loop.loopTo).toBeLessThan(loop.keyframe - 20);
      expect(loop.nodes).toBeLessThanOrEqual(on.pipeline.stored.length);
      expect(loop.largestMove).toBeLessThan(0.2);
    }
    expect(Math.max(...on.pipeline.loopClosures.map((l) => l.largestMove))).toBeGreaterThan(0.02);
  }, 120_000);
});
