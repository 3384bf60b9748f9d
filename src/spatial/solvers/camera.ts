// Questions about the camera at given frames (VSTI-Bench: camera–object absolute distance, camera
// displacement, camera movement direction, camera–object relative distance, object–object relative
// position) and about the path walked (a Room3R addition: "how far did I walk").
import { closestPointOnBox, distance, sub } from '../boxGeometry';
import { cameraAtFrame, pathLength, toCameraAxes, type CameraAt } from '../cameraTrack';
import type { CameraSample, QuestionUnit, SceneMemory, SceneObject, SpatialAnswer, SpatialQuestionType, Vec3 } from '../types';
import {
  boxHighlight,
  cannotAnswer,
  choiceAnswer,
  inUnit,
  lengthPhrase,
  lengthText,
  lengthUnit,
  metres,
  notSeen,
  objectsLabelled,
  type Option,
} from './common';

type Resolved = { ok: true; samples: CameraSample[] } | { ok: false; answer: SpatialAnswer };

function resolveFrames(type: SpatialQuestionType, memory: SceneMemory, frames: number[]): Resolved {
  const found: CameraAt[] = frames.map((f) => cameraAtFrame(memory, f));
  const bad = found.findIndex((c) => !c.ok);
  if (bad < 0) return { ok: true, samples: found.map((c) => (c as Extract<CameraAt, { ok: true }>).sample) };
  const reason = (found[bad] as Extract<CameraAt, { ok: false }>).reason;
  const frame = frames[bad]!;
  const text =
    reason === 'tracking-lost'
      ? `Tracking was lost around frame ${frame}, so the map has no camera position there.`
      : reason === 'no-track'
        ? 'Nothing has been tracked yet: capture the room first.'
        : `Frame ${frame} is outside what was captured${memory.sourceFrameCount ? ` (frames 1–${memory.sourceFrameCount})` : ''}.`;
  return { ok: false, answer: cannotAnswer(type, text) };
}

/**
 * The camera where it is now: its latest tracked position (where the video ended, for a video). A question
 * about the camera that names no frame ("which object is closest to the camera?", "how far am I from the
 * door?") means this one.
 */
function cameraNow(type: SpatialQuestionType, memory: SceneMemory): Resolved {
  const last = memory.camera[memory.camera.length - 1];
  if (last) return { ok: true, samples: [last] };
  return { ok: false, answer: cannotAnswer(type, 'Nothing has been tracked yet: capture the room first.') };
}

/** How an answer names the camera position: "at frame 12", or where it is now. */
const cameraWhere = (frame: number | null) => (frame === null ? 'where it is now (its latest tracked position)' : `at frame ${frame}`);

/**
 * An answer about named frames, with a note where a frame's pose was bridged across a brief loss of tracking
 * (answers that could not be given are left as they are).
 */
export function withFrameCaveat(answer: SpatialAnswer, memory: SceneMemory, frames: number[]): SpatialAnswer {
  if (answer.value === null) return answer;
  const bridged = frames.filter((f) => {
    const at = cameraAtFrame(memory, f);
    return at.ok && at.acrossLostFrames;
  });
  if (!bridged.length) return answer;
  const which = bridged.map((f) => `frame ${f}`).join(' and ');
  return {
    ...answer,
    text: `${answer.text} Tracking dropped briefly around ${which}; the camera position there is interpolated between the tracked frames either side.`,
  };
}

const cameraMarker = (s: CameraSample, label: string) => ({ from: s.position, to: s.position, label });

export function cameraDisplacement(memory: SceneMemory, frameA: number, frameB: number, unit?: QuestionUnit): SpatialAnswer {
  const type = 'camera_displacement';
  const r = resolveFrames(type, memory, [frameA, frameB]);
  if (!r.ok) return r.answer;
  const [a, b] = r.samples as [CameraSample, CameraSample];
  const d = distance(a.position, b.position);
  const u = lengthUnit(unit);
  return {
    type,
    value: inUnit(d, u),
    unit: u,
    text: `${lengthPhrase(d, u)}: the straight-line distance between the camera's positions at frame ${frameA} and frame ${frameB}, from the tracked camera path.`,
    figures: { displacement_m: d },
    objects: [],
    highlight: { boxes: [], segments: [{ from: a.position, to: b.position, label: lengthText(d, u) }] },
  };
}

/** Unit directions in camera axes (x right, y down, z forward). */
const CAMERA_DIRECTIONS: Record<string, Vec3> = {
  forward: [0, 0, 1],
  backward: [0, 0, -1],
  back: [0, 0, -1],
  left: [-1, 0, 0],
  right: [1, 0, 0],
  up: [0, -1, 0],
  down: [0, 1, 0],
};

/** The direction named by a phrase ("forward-left", "moved backward"), or null if it names none. */
export function phraseDirection(text: string): Vec3 | null {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const v: Vec3 = [0, 0, 0];
  let n = 0;
  for (const w of words) {
    const d = CAMERA_DIRECTIONS[w];
    if (!d) continue;
    v[0] += d[0];
    v[1] += d[1];
    v[2] += d[2];
    n++;
  }
  const len = Math.hypot(...v);
  return n && len > 0 ? [v[0] / len, v[1] / len, v[2] / len] : null;
}

/** Net motion from frame A to frame B in frame A's camera axes, matched to the option it points along best. */
export function cameraMovementDirection(memory: SceneMemory, frameA: number, frameB: number, options: Option[]): SpatialAnswer {
  const type = 'camera_movement_direction';
  const r = resolveFrames(type, memory, [frameA, frameB]);
  if (!r.ok) return r.answer;
  const [a, b] = r.samples as [CameraSample, CameraSample];
  const local = toCameraAxes(a, sub(b.position, a.position));
  const horizontal = options.length === 0 || options.every((o) => !/\b(up|down)\b/i.test(o.text));
  const v: Vec3 = horizontal ? [local[0], 0, local[2]] : local;
  let word: string;
  if (options.length) {
    const scored = options
      .map((o) => ({ o, dir: phraseDirection(o.text) }))
      .filter((x) => x.dir)
      .map((x) => ({ o: x.o, score: x.dir![0] * v[0] + x.dir![1] * v[1] + x.dir![2] * v[2] }));
    scored.sort((x, y) => y.score - x.score);
    word = scored[0]?.o.text ?? '';
  } else {
    word = Math.abs(v[2]) >= Math.abs(v[0]) ? (v[2] >= 0 ? 'forward' : 'backward') : v[0] >= 0 ? 'right' : 'left';
  }
  const parts = `${Math.abs(local[2]).toFixed(2)} m ${local[2] >= 0 ? 'forward' : 'backward'}, ${Math.abs(local[0]).toFixed(2)} m ${local[0] >= 0 ? 'right' : 'left'}, ${Math.abs(local[1]).toFixed(2)} m ${local[1] <= 0 ? 'up' : 'down'}`;
  return choiceAnswer(
    type,
    options,
    word,
    `Between frame ${frameA} and frame ${frameB} the camera moved ${parts}, in the camera's own axes at frame ${frameA}.`,
    {
      figures: { forward_m: local[2], right_m: local[0], down_m: local[1] },
      objects: [],
      highlight: { boxes: [], segments: [{ from: a.position, to: b.position, label: word }] },
    },
  );
}

/** The instance of a label nearest to a point, and the distance to its box. */
function nearestInstance(objects: SceneObject[], p: Vec3): { object: SceneObject; point: Vec3; distance: number } | null {
  let best: ReturnType<typeof nearestInstance> = null;
  for (const o of objects) {
    const q = closestPointOnBox(o.box, p);
    const d = distance(p, q);
    if (!best || d < best.distance) best = { object: o, point: q, distance: d };
  }
  return best;
}

/** Half-angles of the view cone an object's centre must be in to count as in a frame (a phone's field of view is
 * about 65–75° across and 50–60° high; the cone is that, a little narrowed, as the intrinsics are not in memory). */
const VIEW_HALF_ANGLE = { x: (32 * Math.PI) / 180, y: (26 * Math.PI) / 180 };

/**
 * The instance a question about one frame means: among those in that frame's view, the nearest; where none is in
 * view, the nearest of all. A frame shows one plant of two, and "the plant in frame 12" is that one, even when the
 * other one, behind the camera, is nearer.
 */
function instanceInFrame(objects: SceneObject[], cam: CameraSample): ReturnType<typeof nearestInstance> {
  const inView = objects.filter((o) => {
    const [x, y, z] = toCameraAxes(cam, sub(o.box.center, cam.position));
    return z > 0.1 && Math.abs(Math.atan2(x, z)) <= VIEW_HALF_ANGLE.x && Math.abs(Math.atan2(y, z)) <= VIEW_HALF_ANGLE.y;
  });
  return nearestInstance(inView.length ? inView : objects, cam.position);
}

/** From the camera at a frame (or, with `frame` null, where it is now) to the nearest point of an object. */
export function cameraObjectDistance(memory: SceneMemory, label: string, frame: number | null, unit?: QuestionUnit): SpatialAnswer {
  const type = 'camera_obj_abs_dist';
  const found = objectsLabelled(memory, label);
  if (!found.length) return notSeen(type, [label]);
  const r = frame === null ? cameraNow(type, memory) : resolveFrames(type, memory, [frame]);
  if (!r.ok) return r.answer;
  const cam = r.samples[0]!;
  const near = (frame === null ? nearestInstance(found, cam.position) : instanceInFrame(found, cam))!;
  const u = lengthUnit(unit);
  return {
    type,
    value: inUnit(near.distance, u),
    unit: u,
    text: `${lengthPhrase(near.distance, u)} from the camera ${cameraWhere(frame)} to the nearest point of the ${label}, measured in the 3D map.`,
    figures: { distance_m: near.distance },
    objects: [near.object.id],
    highlight: { boxes: [boxHighlight(near.object)], segments: [{ from: cam.position, to: near.point, label: lengthText(near.distance, u) }] },
  };
}

/**
 * Which of the listed objects is closest to the camera at a frame (or, with `frame` null, where it is now).
 * With no objects listed ("which object is closest to the camera?"), every kind of object in the map is a
 * candidate and the answer lists the nearest few.
 */
export function cameraObjectRelativeDistance(memory: SceneMemory, frame: number | null, labels: string[], options: Option[]): SpatialAnswer {
  const type = 'camera_obj_rel_dist';
  const r = frame === null ? cameraNow(type, memory) : resolveFrames(type, memory, [frame]);
  if (!r.ok) return r.answer;
  const cam = r.samples[0]!;
  const every = labels.length === 0;
  const candidates = every ? [...new Set(memory.objects.map((o) => o.label))] : labels;
  if (!candidates.length) return cannotAnswer(type, 'No objects are in the map yet: film the room, then ask again.');
  const pick = (found: SceneObject[]) => (frame === null ? nearestInstance(found, cam.position) : instanceInFrame(found, cam));
  const measured = candidates.map((label) => ({ label, near: pick(objectsLabelled(memory, label)) })).filter((m) => m.near);
  if (!measured.length) return notSeen(type, candidates);
  measured.sort((x, y) => x.near!.distance - y.near!.distance);
  const best = measured[0]!;
  const unseen = candidates.filter((l) => !measured.some((m) => m.label === l));
  const listed = (every ? measured.slice(0, 5) : measured).map((m) => `${m.label} ${metres(m.near!.distance)}`).join(', ');
  return choiceAnswer(
    type,
    options,
    best.label,
    `${every ? 'Nearest objects to' : 'Distances from'} the camera ${cameraWhere(frame)}: ${listed}.${unseen.length ? ` Not seen: ${unseen.join(', ')}.` : ''}`,
    {
      figures: Object.fromEntries(measured.map((m) => [`${m.label}_m`, m.near!.distance])),
      objects: [best.near!.object.id],
      highlight: { boxes: [boxHighlight(best.near!.object)], segments: [{ from: cam.position, to: best.near!.point, label: metres(best.near!.distance) }] },
    },
  );
}

export type RelationAxis = 'near-far' | 'left-right' | 'up-down';

/** Where object A is relative to object B in the camera's view at a frame. */
export function objectObjectRelativePosition(
  memory: SceneMemory,
  frame: number,
  labelA: string,
  labelB: string,
  axis: RelationAxis,
  options: Option[],
): SpatialAnswer {
  const type = 'obj_obj_relative_pos';
  const a = objectsLabelled(memory, labelA);
  const b = objectsLabelled(memory, labelB);
  const missing = [...(a.length ? [] : [labelA]), ...(b.length ? [] : [labelB])];
  if (missing.length) return notSeen(type, missing);
  const r = resolveFrames(type, memory, [frame]);
  if (!r.ok) return r.answer;
  const cam = r.samples[0]!;
  const oa = instanceInFrame(a, cam)!.object;
  const ob = instanceInFrame(b, cam)!.object;
  const pa = toCameraAxes(cam, sub(oa.box.center, cam.position));
  const pb = toCameraAxes(cam, sub(ob.box.center, cam.position));
  let word: string;
  if (axis === 'near-far') word = Math.hypot(...pa) < Math.hypot(...pb) ? 'near' : 'far';
  else if (axis === 'left-right') word = pa[0] < pb[0] ? 'left' : 'right';
  else word = pa[1] < pb[1] ? 'up' : 'down';
  // Options may say "closer"/"farther" or "above"/"below": match on the word's family.
  const family: Record<string, RegExp> = {
    near: /\b(near|nearer|closer)\b/i,
    far: /\b(far|farther|further)\b/i,
    left: /\bleft\b/i,
    right: /\bright\b/i,
    up: /\b(up|above|higher)\b/i,
    down: /\b(down|below|lower)\b/i,
  };
  const option = options.find((o) => family[word]!.test(o.text));
  return choiceAnswer(
    type,
    options,
    option?.text ?? word,
    `In the camera's view at frame ${frame}, the ${labelA} is ${word === 'near' ? 'nearer' : word === 'far' ? 'farther' : `to the ${word}`} relative to the ${labelB} (camera coordinates of the box centres).`,
    {
      figures: { a_x: pa[0], a_y: pa[1], a_z: pa[2], b_x: pb[0], b_y: pb[1], b_z: pb[2] },
      objects: [oa.id, ob.id],
      highlight: { boxes: [boxHighlight(oa), boxHighlight(ob)], segments: [cameraMarker(cam, `frame ${frame}`)] },
    },
  );
}

/**
 * How far the camera travelled along its path: between two frames, from the start to where it came closest
 * to an object, or over the whole capture; optionally compared with a distance ("more than 3 m?").
 */
export function walkedDistance(
  memory: SceneMemory,
  span: [number, number] | { to: string } | null,
  threshold?: { op: 'more' | 'less'; metres: number },
  unit?: QuestionUnit,
): SpatialAnswer {
  const type = 'camera_path_length';
  const track = memory.camera;
  if (track.length < 2) return cannotAnswer(type, 'The camera path is too short to measure yet: capture more of the room.');
  let from = 0;
  let to = track.length - 1;
  let how = 'over the whole capture';
  const boxes: SpatialAnswer['highlight']['boxes'] = [];
  const objects: string[] = [];
  if (Array.isArray(span)) {
    const r = resolveFrames(type, memory, span);
    if (!r.ok) return r.answer;
    const [a, b] = r.samples as [CameraSample, CameraSample];
    from = track.findIndex((s) => s.sourceFrame >= Math.min(a.sourceFrame, b.sourceFrame));
    to = track.findLastIndex((s) => s.sourceFrame <= Math.max(a.sourceFrame, b.sourceFrame));
    how = `between frame ${span[0]} and frame ${span[1]}`;
  } else if (span) {
    const found = objectsLabelled(memory, span.to);
    if (!found.length) return notSeen(type, [span.to]);
    // The end is where the camera came closest to the object.
    let best = Infinity;
    track.forEach((s, i) => {
      const d = nearestInstance(found, s.position)!.distance;
      if (d < best) [best, to] = [d, i];
    });
    const near = nearestInstance(found, track[to]!.position)!;
    boxes.push(boxHighlight(near.object));
    objects.push(near.object.id);
    how = `from the start to where the camera came closest to the ${span.to} (${metres(best)} from it)`;
  }
  const length = from >= 0 && to > from ? pathLength(track, from, to) : 0;
  const u = lengthUnit(unit);
  const segments = track.slice(from + 1, to + 1).map((s, i) => ({ from: track[from + i]!.position, to: s.position, label: '' }));
  if (segments.length) segments[segments.length >> 1]!.label = lengthText(length, u);
  const figures = { path_m: length };
  const measured = `measured along the tracked camera path ${how}`;
  const highlight = { boxes, segments };
  if (threshold) {
    const yes = threshold.op === 'more' ? length > threshold.metres : length < threshold.metres;
    return { type, value: yes ? 'yes' : 'no', text: `${yes ? 'Yes' : 'No'}: you walked ${lengthPhrase(length, u)}, ${measured}.`, figures, objects, highlight };
  }
  return { type, value: inUnit(length, u), unit: u, text: `${lengthPhrase(length, u)}, ${measured}.`, figures, objects, highlight };
}
