// The room as a whole (VSI-Bench room_size_estimation) and the order things came into view
// (obj_appearance_order).
import type { QuestionUnit, SceneMemory, SceneObject, SpatialAnswer, Vec3 } from '../types';
import {
  boxHighlight,
  cannotAnswer,
  choiceAnswer,
  inUnit,
  lengthPhrase,
  lengthText,
  lengthUnit,
  notSeen,
  objectsLabelled,
  pickOption,
  SQUARE_METRES_PER_SQUARE_FOOT,
  type Option,
} from './common';

/**
 * The floor area (m², or ft² where the question asks: `unit` 'ft2'), or with `what` 'ceiling' the height of the
 * ceiling above the floor (in metres or the length unit asked).
 */
export function roomSize(memory: SceneMemory, unit?: QuestionUnit, what: 'floor' | 'ceiling' = 'floor'): SpatialAnswer {
  const type = 'room_size_estimation';
  const room = memory.room;
  if (what === 'ceiling') {
    if (!room || room.ceilingHeight === null) {
      return cannotAnswer(type, 'The map has not seen the ceiling yet, so I cannot measure its height. Film up to the ceiling, then ask again.');
    }
    const u = lengthUnit(unit);
    return {
      type,
      value: inUnit(room.ceilingHeight, u),
      unit: u,
      text: `${lengthPhrase(room.ceilingHeight, u)}: the height of the ceiling above the floor, measured in the 3D map.`,
      figures: { ceiling_m: room.ceilingHeight },
      objects: [],
      highlight: { boxes: [], segments: [] },
    };
  }
  if (!room) return cannotAnswer(type, 'The map holds too little of the room to measure its floor yet. Film the walls and floor all round, then ask again.');
  const ring = room.floorPolygon;
  const segments = ring.map((p, i) => {
    const q = ring[(i + 1) % ring.length]!;
    return { from: [p[0], 0, p[1]] as Vec3, to: [q[0], 0, q[1]] as Vec3, label: '' };
  });
  const feet = unit === 'ft2';
  const squareFeet = room.floorArea / SQUARE_METRES_PER_SQUARE_FOOT;
  const area = feet ? `${squareFeet.toFixed(0)} ft²` : `${room.floorArea.toFixed(1)} m²`;
  if (segments[0]) segments[0].label = area;
  const how = room.floorSeen
    ? 'Measured as the area of the floor outline under the 3D map.'
    : 'Measured as the footprint of the 3D map; no floor plane was found, so this is an estimate.';
  const ceilingHigh = (h: number) => (feet ? lengthText(h, 'ft') : `${h.toFixed(2)} m`);
  const ceiling = room.ceilingHeight !== null ? ` The ceiling is ${ceilingHigh(room.ceilingHeight)} high.` : '';
  return {
    type,
    value: feet ? squareFeet : room.floorArea,
    unit: feet ? 'ft²' : 'm²',
    text: `About ${area}${feet ? ` (${room.floorArea.toFixed(1)} m²)` : ''}. ${how}${ceiling}`,
    figures: { area_m2: room.floorArea, ...(room.ceilingHeight !== null ? { ceiling_m: room.ceilingHeight } : {}) },
    objects: [],
    highlight: { boxes: [], segments },
  };
}

/** Orders the categories by when each was first seen, and picks the option listing that order. */
export function appearanceOrder(memory: SceneMemory, labels: string[], options: Option[]): SpatialAnswer {
  const type = 'obj_appearance_order';
  const firsts = labels.map((label) => {
    const seen = objectsLabelled(memory, label);
    const first = seen.reduce<(typeof seen)[number] | undefined>(
      (best, o) => (!best || o.firstSeen.timestampMs < best.firstSeen.timestampMs ? o : best),
      undefined,
    );
    return { label, first };
  });
  const missing = firsts.filter((f) => !f.first).map((f) => f.label);
  const seen = firsts.filter((f): f is { label: string; first: SceneObject } => !!f.first);
  seen.sort((x, y) => x.first.firstSeen.timestampMs - y.first.firstSeen.timestampMs);
  const order = seen.map((f) => f.label);
  // An option may list categories in other words; compare the order of the labels it names. With some categories not
  // seen, the option the seen ones' order singles out, if one does.
  const option = missing.length ? uniqueBestOrderOption(options, order) : (pickOption(options, order.join(', ')) ?? bestOrderOption(options, order));
  if (missing.length && (order.length < 2 || !option)) return notSeen(type, missing);
  const when = seen.map((f) => `${f.label} at ${(f.first.firstSeen.timestampMs / 1000).toFixed(1)} s`).join(', ');
  const caveat = missing.length ? ` Not seen: ${missing.join(', ')}; the option is the one the others' order fits.` : '';
  return choiceAnswer(type, options, option?.text ?? order.join(', '), `First seen: ${when}.${caveat}`, {
    figures: Object.fromEntries(seen.map((f) => [`${f.label}_s`, f.first.firstSeen.timestampMs / 1000])),
    objects: seen.map((f) => f.first.id),
    highlight: { boxes: seen.map((f) => boxHighlight(f.first)), segments: [] },
  });
}

/** The option that agrees with the most pairs of a partial order, when no other agrees with as many. */
function uniqueBestOrderOption(options: Option[], order: string[]): Option | undefined {
  const scored = options.map((o) => ({ o, agree: orderAgreement(o, order) })).sort((a, b) => b.agree - a.agree);
  return scored[0] && (scored.length === 1 || scored[0].agree > scored[1]!.agree) ? scored[0].o : undefined;
}

/** The option whose listed order agrees with the most pairs of the measured order. */
function bestOrderOption(options: Option[], order: string[]): Option | undefined {
  let best: { o: Option; agree: number } | undefined;
  for (const o of options) {
    const agree = orderAgreement(o, order);
    if (!best || agree > best.agree) best = { o, agree };
  }
  return best?.o;
}

/** Pairs of `order` that an option lists in the same order. */
function orderAgreement(option: Option, order: string[]): number {
  const listed = option.text.toLowerCase().split(/\s*,\s*/);
  const rank = (l: string) => listed.findIndex((x) => x.includes(l));
  let agree = 0;
  for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) if (rank(order[i]!) < rank(order[j]!)) agree++;
  return agree;
}
