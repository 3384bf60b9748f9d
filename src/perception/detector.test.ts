// Runs the real transformers.js OWLv2 path (CLIP tokenizer, Owlv2ImageProcessor, Owlv2ForObjectDetection on
// onnxruntime-node) on the project's fixture of Xenova/owlv2-base-patch16, plus the detector's own letterboxing,
// decoding and NMS.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTOR_FIXTURE, DETECTOR_FIXTURE_REPO, detectorFixtureFiles, writeDetectorFixture } from '../../scripts/fixtures/detector';
import type { RgbaImage } from '../geometry/types';
import { owlv2Manifest } from '../models/manifests/owlv2';
import { configureTransformersEnv } from '../models/transformersEnv';
import { INDOOR_VOCABULARY } from './vocabulary';
import { boxIou, decodeDetections, letterboxRgba, LETTERBOX_GREY, nonMaxSuppression, ObjectDetector, type Detection } from './detector';

const DATA = resolve(__dirname, '../../../shared/data/redkitchen-7scenes');
const hasData = existsSync(join(DATA, 'frame-000000.color.jpg'));

function photo(name: string): RgbaImage {
  const rgb = jpeg.decode(readFileSync(join(DATA, name)), { useTArray: true });
  return { width: rgb.width, height: rgb.height, data: new Uint8ClampedArray(rgb.data.buffer) };
}

function filled(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

function paint(img: RgbaImage, x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number]): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img.data.set([...rgb, 255], (y * img.width + x) * 4);
}

const centre = (d: Detection) => ({ x: (d.box.xmin + d.box.xmax) / 2, y: (d.box.ymin + d.box.ymax) / 2 });
const key = (ds: Detection[]) => ds.map((d) => `${d.label}@${Math.round(d.box.xmin)},${Math.round(d.box.ymin)}`).join(' ');

let root = '';
let detector: ObjectDetector;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'room3r-detector-'));
  await writeDetectorFixture(root);
  configureTransformersEnv({ localModelPath: root, allowRemote: false });
  const wasm = owlv2Manifest.variants.find((v) => v.id === 'wasm-q8')!;
  const statuses = new Set<string>();
  detector = await ObjectDetector.load({
    modelId: owlv2Manifest.repo,
    dtype: wasm.dtype!,
    device: 'cpu',
    onProgress: (p) => statuses.add(p.status),
  });
  expect(statuses.has('done')).toBe(true);
}, 60_000);

afterAll(async () => {
  await detector?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('fixture and manifest agree', () => {
  it('the fixture has every file of every manifest variant, at the real repo id', () => {
    expect(DETECTOR_FIXTURE_REPO).toBe(owlv2Manifest.repo);
    const files = Object.keys(detectorFixtureFiles());
    for (const v of owlv2Manifest.variants) {
      for (const f of [...owlv2Manifest.files, ...v.files]) expect(files).toContain(f.path);
    }
  });

  it('the loaded graph has the manifest ONNX input and output names', () => {
    const session = (detector as unknown as { model: { sessions: Record<string, { inputNames: string[]; outputNames: string[] }> } }).model.sessions.model!;
    const io = owlv2Manifest.io.model!;
    expect([...session.inputNames].sort()).toEqual(io.inputs.map((t) => t.name).sort());
    expect([...session.outputNames].sort()).toEqual(io.outputs.map((t) => t.name).sort());
  });

  it('reads the square input size from the processor config', () => {
    expect(detector.inputSize).toBe(DETECTOR_FIXTURE.imageSize);
  });

  it('every variant loads through transformers.js by its dtype', async () => {
    for (const v of owlv2Manifest.variants) {
      const d = await ObjectDetector.load({ modelId: owlv2Manifest.repo, dtype: v.dtype!, device: 'cpu' });
      expect(d.inputSize).toBe(DETECTOR_FIXTURE.imageSize);
      await d.dispose();
    }
  });
});

describe('letterboxing and decoding', () => {
  it('scales the long side to the square, top-left, grey elsewhere', () => {
    const img = filled(64, 32, [200, 10, 10]);
    const lb = letterboxRgba(img, 32);
    expect(lb.image.width).toBe(32);
    expect(lb.sourceWidth).toBe(64);
    const px = (x: number, y: number) => Array.from(lb.image.data.slice((y * 32 + x) * 4, (y * 32 + x) * 4 + 4));
    expect(px(5, 5)).toEqual([200, 10, 10, 255]);
    expect(px(5, 20)).toEqual([LETTERBOX_GREY, LETTERBOX_GREY, LETTERBOX_GREY, 255]);
  });

  it('maps normalised boxes of the padded square to source pixels and clips them', () => {
    // 2 boxes x 2 labels; source 200x100 padded into a square of side 200.
    const logits = [3, -5, -5, -5];
    const boxes = [0.5, 0.25, 0.2, 0.1, 0.9, 0.9, 0.1, 0.1];
    const ds = decodeDetections(logits, boxes, ['a', 'b'], { sourceWidth: 200, sourceHeight: 100 }, { threshold: 0.2, multiLabel: false, minSidePx: 2 });
    expect(ds).toHaveLength(1);
    expect(ds[0]!.label).toBe('a');
    expect(ds[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(ds[0]!.box).toEqual({ xmin: 80, ymin: 40, xmax: 120, ymax: 60 });
    // A box in the padding (below the image) is dropped, not clipped to a sliver.
    const pad = decodeDetections(
      [3, 3],
      [0.5, 0.9, 0.2, 0.1],
      ['a', 'b'],
      { sourceWidth: 200, sourceHeight: 100 },
      { threshold: 0.2, multiLabel: true, minSidePx: 2 },
    );
    expect(pad).toHaveLength(0);
    // multiLabel keeps every label above the threshold; the default keeps the best only.
    const both = decodeDetections(
      [1, 2],
      [0.5, 0.25, 0.2, 0.1],
      ['a', 'b'],
      { sourceWidth: 200, sourceHeight: 100 },
      { threshold: 0.2, multiLabel: true, minSidePx: 2 },
    );
    expect(both.map((d) => d.label).sort()).toEqual(['a', 'b']);
    const best = decodeDetections(
      [1, 2],
      [0.5, 0.25, 0.2, 0.1],
      ['a', 'b'],
      { sourceWidth: 200, sourceHeight: 100 },
      { threshold: 0.2, multiLabel: false, minSidePx: 2 },
    );
    expect(best.map((d) => d.label)).toEqual(['b']);
  });
});

describe('non-maximum suppression', () => {
  const det = (label: string, score: number, x: number, y = 0, s = 10): Detection => ({ label, score, box: { xmin: x, ymin: y, xmax: x + s, ymax: y + s } });

  it('merges overlapping boxes of one label, keeps the best', () => {
    const kept = nonMaxSuppression([det('chair', 0.5, 1), det('chair', 0.9, 0), det('chair', 0.7, 2)], 0.3);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.score).toBe(0.9);
  });

  it('keeps separate objects and other labels on the same box', () => {
    const kept = nonMaxSuppression([det('chair', 0.9, 0), det('chair', 0.8, 30), det('table', 0.6, 0)], 0.3);
    expect(kept.map((d) => `${d.label}:${d.score}`)).toEqual(['chair:0.9', 'chair:0.8', 'table:0.6']);
  });

  it('computes IoU', () => {
    expect(boxIou(det('a', 1, 0).box, det('a', 1, 5).box)).toBeCloseTo(50 / 150, 9);
    expect(boxIou(det('a', 1, 0).box, det('a', 1, 20).box)).toBe(0);
  });
});

describe('ObjectDetector on the OWLv2 fixture', () => {
  it('a flat image has no detections', async () => {
    expect(await detector.detect(filled(320, 240, [120, 120, 120]), ['chair', 'table'])).toEqual([]);
    expect(await detector.detect(filled(320, 240, [120, 120, 120]), [])).toEqual([]);
  });

  it('finds a distinct object where it is, in source pixels of a non-square image', async () => {
    const img = filled(400, 200, [110, 110, 110]);
    paint(img, 250, 120, 330, 180, [220, 40, 30]); // a red block, lower right
    const ds = await detector.detect(img, INDOOR_VOCABULARY, { threshold: 0.3 });
    expect(ds.length).toBeGreaterThan(0);
    for (const d of ds) {
      const c = centre(d);
      expect(c.x).toBeGreaterThan(230);
      expect(c.x).toBeLessThan(350);
      expect(c.y).toBeGreaterThan(100);
      expect(c.y).toBeLessThanOrEqual(200);
      expect(d.box.xmax).toBeLessThanOrEqual(400);
      expect(d.box.ymax).toBeLessThanOrEqual(200);
    }
  });

  it.skipIf(!hasData)('finds common labels in a real kitchen photo, boxes inside the image', async () => {
    const img = photo('frame-000000.color.jpg');
    const ds = await detector.detect(img, ['chair', 'door', 'stove']);
    const labels = new Set(ds.map((d) => d.label));
    expect(labels.size).toBeGreaterThanOrEqual(2);
    for (const d of ds) {
      expect(d.score).toBeGreaterThanOrEqual(0.2);
      expect(d.score).toBeLessThanOrEqual(1);
      expect(d.box.xmin).toBeGreaterThanOrEqual(0);
      expect(d.box.ymin).toBeGreaterThanOrEqual(0);
      expect(d.box.xmax).toBeLessThanOrEqual(img.width);
      expect(d.box.ymax).toBeLessThanOrEqual(img.height);
      expect(d.box.xmax - d.box.xmin).toBeGreaterThan(2);
    }
    // Sorted best first.
    for (let i = 1; i < ds.length; i++) expect(ds[i]!.score).toBeLessThanOrEqual(ds[i - 1]!.score);
  });

  it.skipIf(!hasData)('finds nothing for a word the fixture does not know, and the known ones beside it', async () => {
    const img = photo('frame-000000.color.jpg');
    expect(await detector.detect(img, ['giraffe'])).toEqual([]);
    const mixed = await detector.detect(img, ['giraffe', 'chair']);
    expect(mixed.length).toBeGreaterThan(0);
    expect(mixed.every((d) => d.label === 'chair')).toBe(true);
  });

  it.skipIf(!hasData)('detections change with the image and with the labels, and repeat exactly', async () => {
    const a = photo('frame-000000.color.jpg');
    const b = photo('frame-000500.color.jpg');
    const labels = ['chair', 'door', 'stove'];
    const first = await detector.detect(a, labels);
    expect(key(await detector.detect(a, labels))).toBe(key(first));
    expect(key(await detector.detect(b, labels))).not.toBe(key(first));
    // Different labels fire on different regions (compare boxes only).
    const chairs = await detector.detect(a, ['chair']);
    const stoves = await detector.detect(a, ['stove']);
    expect(chairs.length).toBeGreaterThan(0);
    expect(stoves.length).toBeGreaterThan(0);
    const boxesOnly = (ds: Detection[]) => key(ds.map((d) => ({ ...d, label: '' })));
    expect(boxesOnly(chairs)).not.toBe(boxesOnly(stoves));
  });

  it.skipIf(!hasData)('NMS merges the fixture’s overlapping candidates; kept boxes of a label overlap little', async () => {
    const ds = await detector.detect(photo('frame-000000.color.jpg'), ['chair', 'door', 'stove'], { maxDetections: 1000 });
    const run = detector.lastRun!;
    expect(run.numBoxes).toBe((DETECTOR_FIXTURE.imageSize / DETECTOR_FIXTURE.patchSize) ** 2);
    expect(run.candidates).toBeGreaterThan(ds.length);
    for (const x of ds) for (const y of ds) if (x !== y && x.label === y.label) expect(boxIou(x.box, y.box)).toBeLessThanOrEqual(0.3);
    const loose = await detector.detect(photo('frame-000000.color.jpg'), ['chair', 'door', 'stove'], { maxDetections: 1000, nmsIou: 1 });
    expect(loose.length).toBe(run.candidates);
  });

  it.skipIf(!hasData)('threshold, maxDetections and multiLabel shape the result', async () => {
    const img = photo('frame-000000.color.jpg');
    const labels = ['chair', 'door', 'stove', 'sofa'];
    const base = await detector.detect(img, labels);
    const strict = await detector.detect(img, labels, { threshold: 0.6 });
    expect(strict.length).toBeLessThan(base.length);
    expect(strict.every((d) => d.score >= 0.6)).toBe(true);
    expect(await detector.detect(img, labels, { maxDetections: 2 })).toHaveLength(2);
    const multi = await detector.detect(img, labels, { multiLabel: true, maxDetections: 1000 });
    expect(multi.length).toBeGreaterThanOrEqual(base.length);
  });

  it.skipIf(!hasData)('runs calls one after another (the session is never entered twice)', async () => {
    const img = photo('frame-000000.color.jpg');
    const labels = ['chair', 'door'];
    const [x, y, z] = await Promise.all([detector.detect(img, labels), detector.detect(img, ['stove']), detector.detect(img, labels)]);
    expect(key(x)).toBe(key(z));
    expect(y.length).toBeGreaterThan(0);
    expect(y.every((d) => d.label === 'stove')).toBe(true);
  });
});
