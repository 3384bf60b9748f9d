// The scene memory: what the map knows about the room, in the gravity frame (metres, +y up, the floor at
// y = 0 when found), and what a spatial answer carries back to the chat and the 3D view.

export type Vec3 = [number, number, number];

/** A box with its own axes: the centre, three unit axes (right-handed), and the full length along each. */
export interface OrientedBox {
  center: Vec3;
  axes: [Vec3, Vec3, Vec3];
  size: Vec3;
}

/** Where in the capture something was seen. */
export interface Sighting {
  /** Keyframe index in the capture (0, 1, 2, ...). */
  keyframe: number;
  /** Frame index in the source video or image set (0-based). */
  sourceFrame: number;
  timestampMs: number;
}

export interface SceneObject {
  /** Stable within one capture: "chair#2". */
  id: string;
  /** Category, lower case, singular ("chair", "tv"). */
  label: string;
  box: OrientedBox;
  /** A sample of the object's 3D points (xyz), where perception gave them; oracle scenes have none. */
  points?: Float32Array;
  /** The first sighting: what appearance order is about. */
  firstSeen: Sighting;
  /** Keyframes where it was seen. */
  seenIn: number[];
  /** Detector confidence, 0..1 (1 for ground truth). */
  score: number;
}

export interface Room {
  /** Floor outline in the horizontal plane, as [x, z] pairs (m), in order around it. */
  floorPolygon: [number, number][];
  /** Floor area (m²). */
  floorArea: number;
  /** Floor to ceiling (m), where the ceiling was seen. */
  ceilingHeight: number | null;
  /** Whether the floor was really found (else the polygon is the map's footprint on an estimated level). */
  floorSeen: boolean;
}

/** One tracked frame of the camera's path. */
export interface CameraSample extends Sighting {
  /** Camera centre (m). */
  position: Vec3;
  /** Camera-to-world rotation, row-major 3x3, OpenCV camera axes (x right, y down, z forward). */
  rotation: number[];
}

export interface SceneMemory {
  objects: SceneObject[];
  room: Room | null;
  /** Tracked frames in capture order; frames where tracking was lost are absent. */
  camera: CameraSample[];
  /** Source frames processed but not tracked: a question about them is answered "tracking was lost". */
  lostFrames: number[];
  /** Frames in the source, when known: "frame k" in a question counts from 1 over these. */
  sourceFrameCount: number | null;
}

/** Something the 3D view should highlight for an answer. */
export interface AnswerHighlight {
  boxes: { box: OrientedBox; label: string }[];
  /** Measured segments with their labels ("2.41 m"). */
  segments: { from: Vec3; to: Vec3; label: string }[];
}

/** The question types the solvers answer (VSI-Bench and VSTI-Bench names). */
export type SpatialQuestionType =
  | 'object_counting'
  | 'object_abs_distance'
  | 'object_size_estimation'
  | 'room_size_estimation'
  | 'object_rel_distance'
  | 'object_rel_direction_easy'
  | 'object_rel_direction_medium'
  | 'object_rel_direction_hard'
  | 'route_planning'
  | 'obj_appearance_order'
  | 'camera_obj_abs_dist'
  | 'camera_displacement'
  | 'camera_movement_direction'
  | 'camera_obj_rel_dist'
  | 'obj_obj_relative_pos'
  // A Room3R addition: the length of the path walked ("how far did I walk", "did I walk more than 3 m").
  | 'camera_path_length';

/** The unit a question asks its answer in ("in feet", "how many square feet"); metres and m² are the default. */
export type QuestionUnit = 'm' | 'cm' | 'ft' | 'in' | 'm2' | 'ft2';

/** A solver's answer: what to say, what it measured, and what to show. */
export interface SpatialAnswer {
  type: SpatialQuestionType;
  /** A number (in `unit`), an option letter for multiple choice, or null when the map cannot answer. */
  value: number | string | null;
  /** Metres, m² and centimetres (the longest side) by default; feet, inches or ft² where the question asks. */
  unit?: 'm' | 'cm' | 'ft' | 'in' | 'm²' | 'ft²' | 'count';
  /** The chosen option's text, for multiple choice. */
  choiceText?: string;
  /** One or two plain sentences for the chat: the answer first, then how it was measured. */
  text: string;
  /** Named figures the answer used ("distance_m": 2.41, ...). */
  figures: Record<string, number>;
  /** Ids of the objects involved. */
  objects: string[];
  highlight: AnswerHighlight;
}
