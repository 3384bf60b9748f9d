// A question in, an answer measured on the scene memory out: the router picks the solver, the solver
// measures. Null means the question is not a spatial one the map answers (the VLM takes it).
import { INDOOR_VOCABULARY } from '../perception/vocabulary';
import { routeQuestion, type RoutedQuestion } from './router';
import { absoluteDistance, countObjects, objectSize, relativeDistance } from './solvers/objects';
import { relativeDirection, routeTurns } from './solvers/directions';
import { appearanceOrder, roomSize } from './solvers/room';
import {
  cameraDisplacement,
  cameraMovementDirection,
  cameraObjectDistance,
  cameraObjectRelativeDistance,
  objectObjectRelativePosition,
  walkedDistance,
  withFrameCaveat,
} from './solvers/camera';
import { cannotAnswer } from './solvers/common';
import type { SceneMemory, SpatialAnswer } from './types';

/** Labels the router recognises: what the map holds and the default indoor vocabulary. */
export function knownLabels(memory: SceneMemory): Set<string> {
  return new Set([...memory.objects.map((o) => o.label), ...INDOOR_VOCABULARY]);
}

export function answerSpatialQuestion(question: string, memory: SceneMemory): SpatialAnswer | null {
  const routed = routeQuestion(question, knownLabels(memory));
  return routed ? solve(routed, memory) : null;
}

export function solve(q: RoutedQuestion, memory: SceneMemory): SpatialAnswer {
  const answer = solveByType(q, memory);
  return q.frames.length ? withFrameCaveat(answer, memory, q.frames) : answer;
}

function solveByType(q: RoutedQuestion, memory: SceneMemory): SpatialAnswer {
  const [a, b, c] = q.labels as [string, string, string];
  const [f1, f2] = q.frames as [number, number];
  const needFrames = (n: number) =>
    q.frames.length < n ? cannotAnswer(q.type, `Which frame${n > 1 ? 's' : ''}? Name ${n > 1 ? 'them' : 'it'} as "frame 12".`) : null;
  switch (q.type) {
    case 'object_counting':
      return countObjects(memory, a);
    case 'object_abs_distance':
      return absoluteDistance(memory, a, b, q.unit);
    case 'object_size_estimation':
      return objectSize(memory, a, q.dimension, q.unit);
    case 'room_size_estimation':
      return roomSize(memory, q.unit, q.dimension === 'height' ? 'ceiling' : 'floor');
    case 'object_rel_distance':
      return relativeDistance(memory, a, q.options, q.labels.slice(1));
    case 'object_rel_direction_easy':
    case 'object_rel_direction_medium':
    case 'object_rel_direction_hard':
      return relativeDirection(memory, a, b, c, q.variant!, q.options, q.labels[3]);
    case 'route_planning':
      return routeTurns(memory, q.route!, q.options);
    case 'obj_appearance_order':
      return appearanceOrder(memory, q.labels, q.options);
    case 'camera_displacement':
      return needFrames(2) ?? cameraDisplacement(memory, f1, f2, q.unit);
    case 'camera_movement_direction':
      return needFrames(2) ?? cameraMovementDirection(memory, f1, f2, q.options);
    // Without a frame, the camera is where it is now (its latest tracked position).
    case 'camera_obj_abs_dist':
      return cameraObjectDistance(memory, a, q.frames.length ? f1 : null, q.unit);
    case 'camera_obj_rel_dist':
      return cameraObjectRelativeDistance(memory, q.frames.length ? f1 : null, q.labels, q.options);
    case 'obj_obj_relative_pos':
      return needFrames(1) ?? objectObjectRelativePosition(memory, f1, a, b, q.axis!, q.options);
    case 'camera_path_length':
      return walkedDistance(memory, q.frames.length >= 2 ? [f1, f2] : q.labels.length ? { to: a } : null, q.threshold, q.unit);
  }
}
