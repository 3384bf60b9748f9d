// Questions about objects alone: how many, how far apart, how big, which is closest (VSI-Bench's
// object_counting, object_abs_distance, object_size_estimation, object_rel_distance).
import { boxDimensions, closestPointsOfBoxes } from '../boxGeometry';
import { plural } from '../../perception/vocabulary';
import type { QuestionUnit, SceneMemory, SceneObject, SpatialAnswer, Vec3 } from '../types';
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
  type LengthUnit,
  type Option,
} from './common';

const MEASURED_ON = 'measured on boxes fitted to the objects in the 3D map';

export function countObjects(memory: SceneMemory, label: string): SpatialAnswer {
  const found = objectsLabelled(memory, label);
  const n = found.length;
  const named = n === 1 ? label : plural(label);
  return {
    type: 'object_counting',
    value: n,
    unit: 'count',
    text: `${n} ${named}. Counted as separate ${plural(label)} in the 3D map (the same one seen from several places counts once).`,
    figures: { count: n },
    objects: found.map((o) => o.id),
    highlight: { boxes: found.map(boxHighlight), segments: [] },
  };
}

/** The closest pair of instances of two labels, and their distance between closest points. */
export function closestPair(a: SceneObject[], b: SceneObject[]): { a: SceneObject; b: SceneObject; onA: Vec3; onB: Vec3; distance: number } | null {
  let best: ReturnType<typeof closestPair> = null;
  for (const x of a)
    for (const y of b) {
      if (x === y) continue;
      const c = closestPointsOfBoxes(x.box, y.box);
      if (!best || c.distance < best.distance) best = { a: x, b: y, ...c };
    }
  return best;
}

/** Between closest points; in metres, or in the unit asked (`unit`). */
export function absoluteDistance(memory: SceneMemory, labelA: string, labelB: string, unit?: QuestionUnit): SpatialAnswer {
  const type = 'object_abs_distance';
  const a = objectsLabelled(memory, labelA);
  const b = objectsLabelled(memory, labelB);
  const missing = [...(a.length ? [] : [labelA]), ...(b.length ? [] : [labelB])];
  if (missing.length) return notSeen(type, missing);
  const pair = closestPair(a, b);
  if (!pair) return cannotAnswer(type, `There is only one ${labelA} in the map, so there is no second one to measure to.`);
  const several = a.length > 1 || b.length > 1 ? ` (the nearest pair among ${a.length} ${labelA} and ${b.length} ${labelB} instances)` : '';
  const u = lengthUnit(unit);
  return {
    type,
    value: inUnit(pair.distance, u),
    unit: u,
    text: `${lengthPhrase(pair.distance, u)} between the ${labelA} and the ${labelB}${several}, ${MEASURED_ON}, between their closest points.`,
    figures: { distance_m: pair.distance },
    objects: [pair.a.id, pair.b.id],
    highlight: {
      boxes: [boxHighlight(pair.a), boxHighlight(pair.b)],
      segments: [{ from: pair.onA, to: pair.onB, label: lengthText(pair.distance, u) }],
    },
  };
}

export type Dimension = 'longest' | 'height' | 'width' | 'length' | 'depth';

/** The three sides in a unit: "1.20 × 0.60 m, 0.85 m high" (metres for the metric units). */
function sidesText(d: { height: number; horizontal: [number, number] }, unit: LengthUnit): string {
  if (unit === 'm' || unit === 'cm') return `${d.horizontal[0].toFixed(2)} × ${d.horizontal[1].toFixed(2)} m, ${d.height.toFixed(2)} m high`;
  const [w, l] = d.horizontal.map((v) => lengthText(v, unit).split(' ')[0]);
  return `${w} × ${l} ${unit}, ${lengthText(d.height, unit)} high`;
}

/**
 * A dimension of an object: the longest side (the benchmark's question, in cm) or a named one (in m), or
 * either in the unit the question asked for (`unit`: feet, inches, centimetres, metres).
 */
export function objectSize(memory: SceneMemory, label: string, dimension: Dimension = 'longest', unit?: QuestionUnit): SpatialAnswer {
  const type = 'object_size_estimation';
  const found = objectsLabelled(memory, label);
  if (!found.length) return notSeen(type, [label]);
  // With several instances, answer for the one seen most often (the best measured).
  const o = found.reduce((best, x) => (x.seenIn.length > best.seenIn.length ? x : best));
  const d = boxDimensions(o.box);
  const figures = { height_m: d.height, width_m: d.horizontal[0], depth_m: d.horizontal[1], longest_m: d.longest };
  const which = found.length > 1 ? ` (the best-seen of ${found.length})` : '';
  const asked = unit === undefined ? undefined : lengthUnit(unit);
  const all = sidesText(d, asked ?? 'm');
  const highlight = { boxes: [boxHighlight(o)], segments: [] };
  if (dimension === 'longest' && asked !== undefined && asked !== 'cm') {
    return {
      type,
      value: inUnit(d.longest, asked),
      unit: asked,
      text: `${lengthPhrase(d.longest, asked)}: the longest side of the ${label}${which} (${all}), ${MEASURED_ON}.`,
      figures,
      objects: [o.id],
      highlight,
    };
  }
  if (dimension === 'longest') {
    const cm = d.longest * 100;
    return {
      type,
      value: cm,
      unit: 'cm',
      text: `${Math.round(cm)} cm: the longest side of the ${label}${which} (${all}), ${MEASURED_ON}.`,
      figures,
      objects: [o.id],
      highlight,
    };
  }
  const value = dimension === 'height' ? d.height : dimension === 'depth' ? d.horizontal[1] : d.horizontal[0];
  const word = dimension === 'height' ? 'tall' : dimension === 'depth' ? 'deep' : dimension === 'length' ? 'long' : 'wide';
  const u = asked ?? 'm';
  return {
    type,
    value: inUnit(value, u),
    unit: u,
    text: `The ${label}${which} is ${lengthPhrase(value, u)} ${word} (${all}), ${MEASURED_ON}.`,
    figures,
    objects: [o.id],
    highlight,
  };
}

/**
 * Which of the options' objects is closest to the reference object, between closest points. With no
 * candidates ("what is nearest to the door?"), every other kind of object in the map is one.
 */
export function relativeDistance(memory: SceneMemory, reference: string, options: Option[], candidates: string[]): SpatialAnswer {
  const type = 'object_rel_distance';
  const refs = objectsLabelled(memory, reference);
  if (!refs.length) return notSeen(type, [reference]);
  if (!candidates.length) {
    const others = [...new Set(memory.objects.map((o) => o.label))].filter((l) => l !== reference);
    if (!others.length) return cannotAnswer(type, `The ${reference} is the only kind of object in the map so far.`);
    return nearestKinds(memory, reference, refs, others);
  }
  const measured = candidates.map((label, i) => ({ label, option: options[i], pair: closestPair(objectsLabelled(memory, label), refs) })).filter((m) => m.pair);
  if (!measured.length) return notSeen(type, candidates);
  measured.sort((x, y) => x.pair!.distance - y.pair!.distance);
  const best = measured[0]!;
  const unseen = candidates.filter((c) => !measured.some((m) => m.label === c));
  const figures = Object.fromEntries(measured.map((m) => [`${m.label}_m`, m.pair!.distance]));
  const list = measured.map((m) => `${m.label} ${metres(m.pair!.distance)}`).join(', ');
  const caveat = unseen.length ? ` Not seen: ${unseen.join(', ')}.` : '';
  return choiceAnswer(type, options, best.label, `Distances to the ${reference} between closest points: ${list}.${caveat}`, {
    figures,
    objects: [best.pair!.a.id, best.pair!.b.id],
    highlight: {
      boxes: [boxHighlight(best.pair!.a), boxHighlight(best.pair!.b)],
      segments: [{ from: best.pair!.onA, to: best.pair!.onB, label: metres(best.pair!.distance) }],
    },
  });
}

/** Every kind of object measured to the reference: the nearest named, the next few listed. */
function nearestKinds(memory: SceneMemory, reference: string, refs: SceneObject[], labels: string[]): SpatialAnswer {
  const type = 'object_rel_distance';
  const measured = labels
    .map((label) => ({ label, pair: closestPair(objectsLabelled(memory, label), refs)! }))
    .filter((m) => m.pair)
    .sort((x, y) => x.pair.distance - y.pair.distance);
  const best = measured[0]!;
  const list = measured
    .slice(0, 5)
    .map((m) => `${m.label} ${metres(m.pair.distance)}`)
    .join(', ');
  return choiceAnswer(type, [], best.label, `Nearest to the ${reference} between closest points, of everything in the map: ${list}.`, {
    figures: Object.fromEntries(measured.map((m) => [`${m.label}_m`, m.pair.distance])),
    objects: [best.pair.a.id, best.pair.b.id],
    highlight: {
      boxes: [boxHighlight(best.pair.a), boxHighlight(best.pair.b)],
      segments: [{ from: best.pair.onA, to: best.pair.onB, label: metres(best.pair.distance) }],
    },
  });
}
