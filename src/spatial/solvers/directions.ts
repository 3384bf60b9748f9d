// Directions on the floor plan: "standing by A, facing B, where is C?" (VSI-Bench object_rel_direction
// easy / medium / hard) and the turns of a route between objects (route_planning). Objects are their box
// centres seen from above (the horizontal x–z plane of the gravity frame, +y up).
import { distance } from '../boxGeometry';
import type { SceneMemory, SceneObject, SpatialAnswer, Vec3 } from '../types';
import { boxHighlight, cannotAnswer, choiceAnswer, notSeen, objectsLabelled, type Option } from './common';

export type DirectionVariant = 'easy' | 'medium' | 'hard';

/** Beyond this angle from the facing direction, an object is "behind" (VSI-Bench medium: 135°). */
export const BACK_ANGLE_DEG = 135;

/** Signed angle (degrees, left positive) of `to` as seen from `from` facing `facing`, in the horizontal plane. */
export function horizontalAngle(from: Vec3, facing: Vec3, to: Vec3): number {
  const fx = facing[0] - from[0];
  const fz = facing[2] - from[2];
  const tx = to[0] - from[0];
  const tz = to[2] - from[2];
  // With +y up, the right-hand side of a walker facing f is f × up = (−fz, 0, fx).
  const forward = fx * tx + fz * tz;
  const right = -fz * tx + fx * tz;
  return (-Math.atan2(right, forward) * 180) / Math.PI;
}

export function directionWord(angleDeg: number, variant: DirectionVariant): string {
  const side = angleDeg > 0 ? 'left' : 'right';
  if (variant === 'easy') return side;
  if (variant === 'medium') return Math.abs(angleDeg) > BACK_ANGLE_DEG ? 'back' : side;
  return `${Math.abs(angleDeg) <= 90 ? 'front' : 'back'}-${side}`;
}

/** The instance of each label to use: the standing one seen most often, the others nearest to it. */
function pickInstances(memory: SceneMemory, labels: string[]): SceneObject[] | { missing: string[] } {
  const lists = labels.map((l) => objectsLabelled(memory, l));
  const missing = labels.filter((_, i) => !lists[i]!.length);
  if (missing.length) return { missing };
  const first = lists[0]!.reduce((best, o) => (o.seenIn.length > best.seenIn.length ? o : best));
  return [
    first,
    ...lists
      .slice(1)
      .map((list) => list.reduce((best, o) => (distance(o.box.center, first.box.center) < distance(best.box.center, first.box.center) ? o : best))),
  ];
}

/**
 * Where `target` is for someone standing by `standBy` facing `facing`. With a `reference` ("is the lamp left
 * of the sofa if I face the tv from the door?"), whether the target is left or right of the reference object
 * as that person sees them: the larger angle to the left is the one further left.
 */
export function relativeDirection(
  memory: SceneMemory,
  standBy: string,
  facing: string,
  target: string,
  variant: DirectionVariant,
  options: Option[],
  reference?: string,
): SpatialAnswer {
  const type = `object_rel_direction_${variant}` as const;
  if (reference) return relativeSide(memory, standBy, facing, target, reference, variant, options);
  const picked = pickInstances(memory, [standBy, facing, target]);
  if ('missing' in picked) return notSeen(type, picked.missing);
  const [a, b, c] = picked as [SceneObject, SceneObject, SceneObject];
  const angle = horizontalAngle(a.box.center, b.box.center, c.box.center);
  const word = directionWord(angle, variant);
  const side = Math.abs(angle) < 1e-6 || Math.abs(Math.abs(angle) - 180) < 1e-6 ? ' (straight ahead or behind: the side is a toss-up)' : '';
  return choiceAnswer(
    type,
    options,
    word,
    `Seen from above, standing at the ${standBy} facing the ${facing}, the ${target} is ${Math.abs(angle).toFixed(0)}° to the ${angle > 0 ? 'left' : 'right'}${side}.`,
    {
      figures: { angle_deg: angle },
      objects: [a.id, b.id, c.id],
      highlight: {
        boxes: [a, b, c].map(boxHighlight),
        segments: [
          { from: a.box.center, to: b.box.center, label: 'facing' },
          { from: a.box.center, to: c.box.center, label: `${Math.abs(angle).toFixed(0)}°` },
        ],
      },
    },
  );
}

function relativeSide(
  memory: SceneMemory,
  standBy: string,
  facing: string,
  target: string,
  reference: string,
  variant: DirectionVariant,
  options: Option[],
): SpatialAnswer {
  const type = `object_rel_direction_${variant}` as const;
  const picked = pickInstances(memory, [standBy, facing, target, reference]);
  if ('missing' in picked) return notSeen(type, [...new Set(picked.missing)]);
  const [a, b, c, d] = picked as [SceneObject, SceneObject, SceneObject, SceneObject];
  const angleC = horizontalAngle(a.box.center, b.box.center, c.box.center);
  const angleD = horizontalAngle(a.box.center, b.box.center, d.box.center);
  const word = angleC > angleD ? 'left' : 'right';
  const side = (angle: number) => `${Math.abs(angle).toFixed(0)}° to the ${angle > 0 ? 'left' : 'right'}`;
  return choiceAnswer(
    type,
    options,
    word,
    `Seen from above, standing at the ${standBy} facing the ${facing}, the ${target} is ${side(angleC)} and the ${reference} ${side(angleD)}: the ${target} is to the ${word} of the ${reference}.`,
    {
      figures: { angle_deg: angleC, reference_angle_deg: angleD },
      objects: [a.id, b.id, c.id, d.id],
      highlight: {
        boxes: [a, b, c, d].map(boxHighlight),
        segments: [
          { from: a.box.center, to: b.box.center, label: 'facing' },
          { from: a.box.center, to: c.box.center, label: `${Math.abs(angleC).toFixed(0)}°` },
          { from: a.box.center, to: d.box.center, label: `${Math.abs(angleD).toFixed(0)}°` },
        ],
      },
    },
  );
}

/** The nominal heading change of a turn (degrees, left positive). */
const TURN_ANGLE: Record<string, number> = { 'turn left': 90, 'turn right': -90, 'turn back': 180 };

export interface RoutePlan {
  start: string;
  facing: string;
  /** Objects to go forward to, in order; a turn to fill in comes before every leg but the first. */
  legs: string[];
  /** Whether a turn to fill in precedes each leg. */
  turnBefore: boolean[];
}

/** The options are turn sequences; pick the one that best matches the turns the route needs. */
export function routeTurns(memory: SceneMemory, plan: RoutePlan, options: Option[]): SpatialAnswer {
  const type = 'route_planning';
  const labels = [plan.start, plan.facing, ...plan.legs];
  const picked = pickInstances(memory, labels);
  if ('missing' in picked) return notSeen(type, [...new Set(picked.missing)]);
  const objects = picked as SceneObject[];
  let position = objects[0]!.box.center;
  let heading = objects[1]!.box.center;
  const needed: number[] = [];
  plan.legs.forEach((_, i) => {
    const next = objects[2 + i]!.box.center;
    // Heading as a point ahead: from `position` towards `heading`.
    const angle = horizontalAngle(position, heading, next);
    if (plan.turnBefore[i]) needed.push(angle);
    heading = [2 * next[0] - position[0], next[1], 2 * next[2] - position[2]];
    position = next;
  });
  const words = needed.map((a) => (Math.abs(a) > BACK_ANGLE_DEG ? 'turn back' : a > 0 ? 'turn left' : 'turn right'));
  if (!options.length) {
    return choiceAnswer(type, options, words.join(', '), 'Turns measured between the objects seen from above.', {
      figures: Object.fromEntries(needed.map((a, i) => [`turn${i + 1}_deg`, a])),
      objects: objects.map((o) => o.id),
      highlight: routeHighlight(objects),
    });
  }
  // Score each option by how well its turns fit the measured angles (cosine of the difference).
  const scored = options.map((o) => {
    const turns = o.text
      .toLowerCase()
      .split(/\s*,\s*/)
      .map((t) => t.replace(/[^a-z ]/g, '').trim());
    if (turns.length !== needed.length || turns.some((t) => !(t in TURN_ANGLE))) return { o, score: -Infinity };
    const score = turns.reduce((s, t, i) => s + Math.cos(((TURN_ANGLE[t]! - needed[i]!) * Math.PI) / 180), 0);
    return { o, score };
  });
  scored.sort((x, y) => y.score - x.score);
  const best = scored[0]!;
  if (best.score === -Infinity) return cannotAnswer(type, 'I could not read the route options as turns (turn left / turn right / turn back).');
  return choiceAnswer(
    type,
    options,
    best.o.text,
    `Turns measured between the objects seen from above: ${needed.map((a) => `${Math.abs(a).toFixed(0)}° ${a > 0 ? 'left' : 'right'}`).join(', ')}.`,
    {
      figures: Object.fromEntries(needed.map((a, i) => [`turn${i + 1}_deg`, a])),
      objects: objects.map((o) => o.id),
      highlight: routeHighlight(objects),
    },
  );
}

function routeHighlight(objects: SceneObject[]) {
  const path = [objects[0]!, ...objects.slice(2)];
  return {
    boxes: objects.map(boxHighlight),
    segments: path.slice(1).map((o, i) => ({ from: path[i]!.box.center, to: o.box.center, label: `${i + 1}` })),
  };
}
