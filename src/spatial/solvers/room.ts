// The room as a whole (VSI-Bench room_size_estimation) and the order things came into view
// (obj_appearance_order).
import type { SceneMemory, SpatialAnswer, Vec3 } from '../types';
import { boxHighlight, cannotAnswer, choiceAnswer, notSeen, objectsLabelled, pickOption, type Option } from './common';

export function roomSize(memory: SceneMemory): SpatialAnswer {
  const type = 'room_size_estimation';
  const room = memory.room;
  if (!room) return cannotAnswer(type, 'The map holds too little of the room to measure its floor yet. Film the walls and floor all round, then ask again.');
  const ring = room.floorPolygon;
  const segments = ring.map((p, i) => {
    const q = ring[(i + 1) % ring.length]!;
    return { from: [p[0], 0, p[1]] as Vec3, to: [q[0], 0, q[1]] as Vec3, label: '' };
  });
  if (segments[0]) segments[0].label = `${room.floorArea.toFixed(1)} m²`;
  const how = room.floorSeen
    ? 'Measured as the area of the floor outline under the 3D map.'
    : 'Measured as the footprint of the 3D map; no floor plane was found, so this is an estimate.';
  const ceiling = room.ceilingHeight !== null ? ` The ceiling is ${room.ceilingHeight.toFixed(2)} m high.` : '';
  return {
    type,
    value: room.floorArea,
    unit: 'm²',
    text: `About ${room.floorArea.toFixed(1)} m². ${how}${ceiling}`,
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
  if (missing.length) return notSeen(type, missing);
  firsts.sort((x, y) => x.first!.firstSeen.timestampMs - y.first!.firstSeen.timestampMs);
  const order = firsts.map((f) => f.label);
  // An option may list categories in other words; compare the order of the labels it names.
  const option = pickOption(options, order.join(', ')) ?? bestOrderOption(options, order);
  const when = firsts.map((f) => `${f.label} at ${(f.first!.firstSeen.timestampMs / 1000).toFixed(1)} s`).join(', ');
  return choiceAnswer(type, options, option?.text ?? order.join(', '), `First seen: ${when}.`, {
    figures: Object.fromEntries(firsts.map((f) => [`${f.label}_s`, f.first!.firstSeen.timestampMs / 1000])),
    objects: firsts.map((f) => f.first!.id),
    highlight: { boxes: firsts.map((f) => boxHighlight(f.first!)), segments: [] },
  });
}

/** The option whose listed order agrees with the most pairs of the measured order. */
function bestOrderOption(options: Option[], order: string[]): Option | undefined {
  let best: { o: Option; agree: number } | undefined;
  for (const o of options) {
    const listed = o.text.toLowerCase().split(/\s*,\s*/);
    const rank = (l: string) => listed.findIndex((x) => x.includes(l));
    let agree = 0;
    for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) if (rank(order[i]!) < rank(order[j]!)) agree++;
    if (!best || agree > best.agree) best = { o, agree };
  }
  return best?.o;
}
