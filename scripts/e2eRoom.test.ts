import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateRoom } from './e2eRoom.ts';

// eval:e2e on one small room (a quarter-size render, the first 40 frames): the whole path from rendered frames to
// scored answers runs, every generated question reaches a solver, and the oracle settings score what they should.
describe('evaluateRoom', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'e2e-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('answers the benchmarks’ questions about a synthetic room from frames, through the chat’s router', async () => {
    const r = await evaluateRoom(0, { depth: 'given', detections: 'simulated', width: 320, height: 240, maxFrames: 40, cacheDir });
    const types = new Set(r.questions.map((q) => q.questionType));
    for (const t of ['object_counting', 'object_size_estimation', 'room_size_estimation', 'camera_displacement', 'camera_movement_direction'])
      expect(types).toContain(t);
    expect(r.trackedShare).toBe(1);
    for (const q of r.questions) {
      expect(q.answers.pipeline!.routedAs, q.question).not.toBeNull();
      expect(q.answers.oracleDepth).toBeNull();
    }
    // With the true objects, counts are exact and sizes near exact (the boxes are the questions' own).
    for (const q of r.questions.filter((x) => x.questionType === 'object_counting')) expect(q.answers.oracleInstances!.score).toBe(1);
    for (const q of r.questions.filter((x) => x.questionType === 'object_size_estimation')) expect(q.answers.oracleInstances!.score).toBeGreaterThan(0.9);
    // With the true poses, the camera's own displacement is right.
    const displacement = r.questions.filter((x) => x.questionType === 'camera_displacement');
    expect(displacement.length).toBeGreaterThan(3);
    expect(displacement.reduce((s, q) => s + q.answers.oraclePoses!.score, 0) / displacement.length).toBeGreaterThan(0.9);
  });
});
