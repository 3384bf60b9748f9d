import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cross, dot, sub } from '../../spatial/boxGeometry';
import type { SceneMemory, Vec3 } from '../../spatial/types';
import { relativeDirectionGt } from './benchmarkGeometry';
import { listVsiScenes, metaBoxToOrientedBox, metaSceneToMemory, zUpToYUp, type MetaBox, type MetaScene } from './metaScene';
import { generateSceneQuestions } from './questions';
import { hasDemoMeta, hasSharedMeta, SHARED_DEMO_META, SHARED_META_DIR, SKIP_MESSAGE } from './testData';

if (!hasSharedMeta || !hasDemoMeta) console.warn(SKIP_MESSAGE);

const box = (centroid: number[], axesLengths = [0.5, 0.5, 0.5], normalizedAxes = [1, 0, 0, 0, 1, 0, 0, 0, 1]): MetaBox => ({
  centroid,
  axesLengths,
  normalizedAxes,
  min: centroid.map((c, i) => c - axesLengths[i]! / 2),
  max: centroid.map((c, i) => c + axesLengths[i]! / 2),
});

const scene = (objects: Record<string, MetaBox[]>): MetaScene => ({
  room_size: 20,
  object_counts: Object.fromEntries(Object.entries(objects).map(([k, v]) => [k, v.length])),
  object_bbox: objects,
});

/** Left or right, computed in OUR frame (y up): the right of a walker facing f is f × up. */
function sideInMemory(memory: SceneMemory, standing: string, facing: string, target: string): 'left' | 'right' {
  const at = (label: string) => memory.objects.find((o) => o.label === label)!.box.center;
  const flat = (v: Vec3): Vec3 => [v[0], 0, v[2]];
  const f = flat(sub(at(facing), at(standing)));
  const right = cross(f, [0, 1, 0]);
  return dot(flat(sub(at(target), at(standing))), right) > 0 ? 'right' : 'left';
}

describe('metadata frame to ours', () => {
  it('is a rotation: z-up goes to y-up and the determinant is +1', () => {
    expect(zUpToYUp([0, 0, 1])).toEqual([0, 1, 0]);
    const m = [zUpToYUp([1, 0, 0]), zUpToYUp([0, 1, 0]), zUpToYUp([0, 0, 1])];
    expect(dot(m[0]!, cross(m[1]!, m[2]!))).toBe(1);
  });

  it('keeps left and right: an object counter-clockwise of the facing direction (seen from above) stays on the left', () => {
    // Standing at the origin facing +x; +y is to the left in the z-up, right-handed metadata frame.
    const meta = scene({ stove: [box([0, 0, 0.5])], sofa: [box([3, 0, 0.5])], tv: [box([2, 2, 1])], lamp: [box([2, -2, 1])] });
    const gt = (q: string) => relativeDirectionGt(meta.object_bbox.stove![0]!, meta.object_bbox.sofa![0]!, meta.object_bbox[q]![0]!, 'easy');
    expect(gt('tv')).toMatchObject({ answer: 'left' });
    expect(gt('lamp')).toMatchObject({ answer: 'right' });
    const memory = metaSceneToMemory(meta);
    expect(sideInMemory(memory, 'stove', 'sofa', 'tv')).toBe('left');
    expect(sideInMemory(memory, 'stove', 'sofa', 'lamp')).toBe('right');
  });

  it('takes the rows of normalizedAxes as the box axes, right-handed, with their lengths', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const b = metaBoxToOrientedBox(box([1, 2, 3], [2, 1, 0.5], [c, s, 0, -s, c, 0, 0, 0, 1]));
    expect(b.center).toEqual([1, 3, -2]);
    expect(b.axes[0][0]).toBeCloseTo(c);
    expect(b.axes[0][2]).toBeCloseTo(-s);
    expect(b.axes[2]).toEqual([0, 1, 0]);
    expect(b.size).toEqual([2, 1, 0.5]);
    expect(dot(b.axes[0], cross(b.axes[1], b.axes[2]))).toBeCloseTo(1);
  });

  it('makes one object per distinct box, with ids per label, seen at keyframe 0, and no room or camera', () => {
    const memory = metaSceneToMemory(scene({ chair: [box([0, 0, 0]), box([1, 0, 0])], printer: [box([2, 0, 0]), box([2, 0, 0])] }));
    expect(memory.objects.map((o) => o.id)).toEqual(['chair#1', 'chair#2', 'printer#1']);
    expect(memory.objects[0]!.firstSeen.keyframe).toBe(0);
    expect(memory.objects[0]!.seenIn).toEqual([0]);
    expect(memory.room).toBeNull();
    expect(memory.camera).toEqual([]);
  });
});

describe.skipIf(!hasSharedMeta)('the 288 VSI-Bench scenes', () => {
  const scenes = hasSharedMeta ? listVsiScenes(SHARED_META_DIR) : [];

  it('lists 150 ARKitScenes, 88 ScanNet and 50 ScanNet++ scenes', () => {
    expect(scenes).toHaveLength(288);
    const per = (d: string) => scenes.filter((s) => s.dataset === d).length;
    expect([per('arkitscenes'), per('scannet'), per('scannetpp')]).toEqual([150, 88, 50]);
  });

  it('converted boxes cover the metadata min/max exactly (rows are the axes)', () => {
    for (const s of scenes.slice(0, 60)) {
      for (const boxes of Object.values(s.meta.object_bbox)) {
        for (const b of boxes) {
          const o = metaBoxToOrientedBox(b);
          // Axis-aligned half extent of the box in our frame, compared with the metadata's, rotated.
          const half = [0, 1, 2].map((j) => o.axes.reduce((acc, a, i) => acc + (Math.abs(a[j]!) * o.size[i]!) / 2, 0));
          const metaHalf = zUpToYUp([0, 1, 2].map((i) => (b.max[i]! - b.min[i]!) / 2)).map(Math.abs);
          for (let j = 0; j < 3; j++) expect(half[j]).toBeCloseTo(metaHalf[j]!, 9);
        }
      }
    }
  });

  it('left/right in our frame agrees with the benchmark ground truth on every direction question', () => {
    let checked = 0;
    for (const s of scenes.slice(0, 100)) {
      const memory = metaSceneToMemory(s.meta);
      for (const q of generateSceneQuestions(s.sceneId, s.dataset, s.meta, { types: ['object_rel_direction_easy'] })) {
        const [p, o, t] = q.categories as [string, string, string];
        expect(sideInMemory(memory, p, o, t), q.id).toBe(q.answerText);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe.skipIf(!hasDemoMeta)('arkitscenes-47334096', () => {
  it('becomes 11 objects with metric sizes', () => {
    const meta = (JSON.parse(readFileSync(SHARED_DEMO_META, 'utf8')) as Record<string, MetaScene>)['47334096']!;
    const memory = metaSceneToMemory(meta);
    expect(memory.objects).toHaveLength(11);
    expect(memory.objects.filter((o) => o.label === 'chair').map((o) => o.id)).toEqual(['chair#1', 'chair#2', 'chair#3', 'chair#4', 'chair#5']);
    const sofa = memory.objects.find((o) => o.label === 'sofa')!;
    expect(Math.max(...sofa.box.size)).toBeGreaterThan(1.2);
    expect(Math.max(...sofa.box.size)).toBeLessThan(3.5);
    // Up is +y: a table top is 0.4–1.2 m above a floor that lies below every object's centre.
    const table = memory.objects.find((o) => o.label === 'table')!;
    const floor = Math.min(...memory.objects.map((o) => o.box.center[1] - o.box.size[2] / 2));
    expect(table.box.center[1] + table.box.size[2] / 2 - floor).toBeGreaterThan(0.4);
    expect(table.box.center[1] + table.box.size[2] / 2 - floor).toBeLessThan(1.2);
  });
});
