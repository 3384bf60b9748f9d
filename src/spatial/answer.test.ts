// The router and solvers together, on a hand-built room whose answers are known: every question type,
// in the benchmarks' wording and in everyday wording.
import { describe, expect, it } from 'vitest';
import { answerSpatialQuestion } from './answer';
import type { CameraSample, OrientedBox, SceneMemory, SceneObject, Vec3 } from './types';

const AXES: OrientedBox['axes'] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

function object(id: string, center: Vec3, size: Vec3, firstSeenS: number): SceneObject {
  const label = id.split('#')[0]!;
  return {
    id,
    label,
    box: { center, axes: AXES, size },
    firstSeen: { keyframe: firstSeenS, sourceFrame: firstSeenS * 10, timestampMs: firstSeenS * 1000 },
    seenIn: [firstSeenS, firstSeenS + 1],
    score: 0.9,
  };
}

// Camera looking along world +z with +y up: its right-hand side is world −x.
const FACING_PLUS_Z = [-1, 0, 0, 0, -1, 0, 0, 0, 1];

function track(): CameraSample[] {
  const samples: CameraSample[] = [];
  // Frames 0–19: 0.1 m a frame forward (+z); frames 20–29: 0.1 m a frame towards world +x (the camera's left).
  for (let f = 0; f < 30; f++) {
    const position: Vec3 = f < 20 ? [0, 1.5, 0.1 * f] : [0.1 * (f - 19), 1.5, 1.9];
    samples.push({ keyframe: f, sourceFrame: f, timestampMs: f * 100, position, rotation: FACING_PLUS_Z });
  }
  return samples;
}

function room(): SceneMemory {
  return {
    objects: [
      object('sofa#1', [0, 0.45, 0], [2, 0.9, 0.8], 0),
      object('tv#1', [0, 1.2, 4], [1.2, 0.7, 0.1], 1),
      object('table#1', [0, 0.375, 1.5], [1.2, 0.75, 0.6], 2),
      object('lamp#1', [2, 0.8, 1], [0.3, 1.6, 0.3], 3),
      object('plant#1', [-2, 0.5, -1], [0.4, 1, 0.4], 4),
      object('chair#1', [1, 0.45, 2.5], [0.5, 0.9, 0.5], 5),
      object('chair#2', [-1, 0.45, 2.5], [0.5, 0.9, 0.5], 6),
    ],
    room: {
      floorPolygon: [
        [-2.5, -2],
        [2.5, -2],
        [2.5, 2],
        [-2.5, 2],
      ],
      floorArea: 20,
      ceilingHeight: 2.6,
      floorSeen: true,
    },
    camera: track(),
    lostFrames: [],
    sourceFrameCount: 30,
  };
}

const ask = (q: string, memory = room()) => answerSpatialQuestion(q, memory);

describe('object questions', () => {
  it('counts instances of a category, in either wording', () => {
    expect(ask('How many chair(s) are in this room?')?.value).toBe(2);
    expect(ask('how many chairs are there?')?.value).toBe(2);
    expect(ask('How many sofas are in this room?')?.value).toBe(1);
  });

  it('measures the distance between closest points and marks the segment', () => {
    const a = ask('Measuring from the closest point of each object, what is the direct distance between the sofa and the table (in meters)?')!;
    expect(a.type).toBe('object_abs_distance');
    // Sofa reaches z = 0.4, the table starts at z = 1.2.
    expect(a.value as number).toBeCloseTo(0.8, 5);
    expect(a.unit).toBe('m');
    expect(a.highlight.segments).toHaveLength(1);
    expect(a.highlight.boxes.map((b) => b.label).sort()).toEqual(['sofa#1', 'table#1']);
    expect(ask('how far is the TV from the sofa?')!.value as number).toBeCloseTo(3.55, 5);
    expect(ask('distance between the couch and the television')!.value as number).toBeCloseTo(3.55, 5);
  });

  it('gives the longest side in centimetres, and named dimensions in metres', () => {
    const a = ask('What is the length of the longest dimension (length, width, or height) of the sofa, measured in centimeters?')!;
    expect(a.value as number).toBeCloseTo(200, 5);
    expect(a.unit).toBe('cm');
    expect(ask('How wide is the table?')!.value as number).toBeCloseTo(1.2, 5);
    expect(ask('how tall is the lamp')!.value as number).toBeCloseTo(1.6, 5);
    expect(ask('How deep is the table?')!.value as number).toBeCloseTo(0.6, 5);
  });

  it('picks the closest option object', () => {
    const q =
      'Measuring from the closest point of each object, which of these objects (tv, lamp, plant) is the closest to the table?\nA. tv\nB. lamp\nC. plant';
    const a = ask(q)!;
    expect(a.type).toBe('object_rel_distance');
    expect(a.value).toBe('B');
    // The same inside the benchmark's full prompt.
    const prompt = `These are frames of a video.\n${q.split('\n')[0]}\nOptions:\nA. tv\nB. lamp\nC. plant\nAnswer with the option's letter from the given choices directly.`;
    expect(ask(prompt)!.value).toBe('B');
  });

  it('says plainly when an object was never seen', () => {
    const a = ask('How far is the piano from the sofa?')!;
    expect(a.value).toBeNull();
    expect(a.text).toMatch(/not seen/i);
    expect(a.text).toMatch(/piano/);
    expect(ask('How many bicycles are in this room?')!.value).toBe(0);
  });
});

describe('directions', () => {
  it('answers left / right, back, and quadrants from the floor plan', () => {
    const easy = ask('If I am standing by the sofa and facing the tv, is the lamp to my left or my right?\nA. left\nB. right')!;
    expect(easy.type).toBe('object_rel_direction_easy');
    expect(easy.value).toBe('A');
    const medium = ask('If I am standing by the sofa and facing the tv, is the plant to my left, right, or back?\nA. back\nB. left\nC. right')!;
    expect(medium.type).toBe('object_rel_direction_medium');
    expect(medium.value).toBe('C'); // 117° to the right: not past 135°
    const hard = ask(
      'If I am standing by the sofa and facing the tv, is the plant to my front-left, front-right, back-left, or back-right?\nA. front-left\nB. front-right\nC. back-left\nD. back-right',
    )!;
    expect(hard.type).toBe('object_rel_direction_hard');
    expect(hard.value).toBe('D');
  });

  it('fills the turns of a route', () => {
    const q = [
      "You are a robot beginning at the sofa facing the table. You want to navigate to the plant. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until the table 2. [please fill in] 3. Go forward until the lamp 4. [please fill in] 5. Go forward until the plant. You have reached the final destination.",
      'A. Turn Right, Turn Left',
      'B. Turn Left, Turn Back',
      'C. Turn Back, Turn Right',
      'D. Turn Left, Turn Left',
    ].join('\n');
    const a = ask(q)!;
    expect(a.type).toBe('route_planning');
    // At the table heading +z, the lamp (+x) is on the left; at the lamp heading +x−z, the plant is almost behind.
    expect(a.value).toBe('B');
  });
});

describe('room and time', () => {
  it('reads the floor area', () => {
    const a = ask('What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space.')!;
    expect(a.type).toBe('room_size_estimation');
    expect(a.value).toBe(20);
    expect(ask('How big is this room?')!.value).toBe(20);
  });

  it('orders categories by first appearance', () => {
    const q =
      'What will be the first-time appearance order of the following categories in the video: lamp, sofa, table, tv?\nA. lamp, sofa, table, tv\nB. sofa, tv, table, lamp\nC. tv, sofa, lamp, table\nD. sofa, table, tv, lamp';
    expect(ask(q)!.value).toBe('B');
  });
});

describe('camera questions', () => {
  it('measures displacement between frames with a segment', () => {
    const a = ask('How far did the camera move between frame 1 and frame 20?')!;
    expect(a.type).toBe('camera_displacement');
    expect(a.value as number).toBeCloseTo(1.9, 5);
    expect(a.unit).toBe('m');
    expect(a.highlight.segments).toHaveLength(1);
  });

  it('tells the direction of motion in the first frame’s camera axes', () => {
    const options = '\nA. forward\nB. backward\nC. left\nD. right';
    expect(ask(`Which direction did the camera move from frame 2 to frame 12?${options}`)!.value).toBe('A');
    expect(ask(`Which direction did the camera move from frame 21 to frame 30?${options}`)!.value).toBe('C');
  });

  it('measures from the camera to an object at a frame', () => {
    const a = ask('What is the approximate distance (in meters) between the camera and the nearest point of the tv at frame 1?')!;
    expect(a.type).toBe('camera_obj_abs_dist');
    // Camera at (0, 1.5, 0); the tv box spans y 0.85–1.55 and z 3.95–4.05.
    expect(a.value as number).toBeCloseTo(3.95, 5);
  });

  it('picks the object nearest to the camera at a frame', () => {
    const a = ask('Which of these objects is closest to the camera at frame 20?\nA. sofa\nB. tv\nC. plant')!;
    expect(a.type).toBe('camera_obj_rel_dist');
    expect(a.value).toBe('A'); // camera at (0, 1.5, 1.9): the sofa's back is 1.62 m away, the tv 2.05 m
  });

  it('relates two objects in the camera’s view', () => {
    const a = ask('At frame 1, is the lamp to the left or the right of the plant?\nA. left\nB. right')!;
    expect(a.type).toBe('obj_obj_relative_pos');
    expect(a.value).toBe('A'); // the lamp is at world +x: the camera's left
  });

  it('measures the path walked, and compares it with a distance', () => {
    expect(ask('How far did I walk?')!.value as number).toBeCloseTo(2.9, 5);
    expect(ask('Did I walk more than 3 m?')!.value).toBe('no');
    expect(ask('did I walk more than 2 metres')!.value).toBe('yes');
    // The camera comes closest to the tv (z = 3.95) at the end of the forward leg, frame 20.
    const toTv = ask('How far did I walk between the start and the tv?')!;
    expect(toTv.value as number).toBeCloseTo(1.9, 5);
    expect(toTv.objects).toEqual(['tv#1']);
    expect(ask('How far did I walk to the piano?')!.text).toMatch(/not seen/i);
  });

  it('says so when a frame was not captured or tracking was lost there', () => {
    expect(ask('How far did the camera move between frame 1 and frame 500?')!.text).toMatch(/outside what was captured/);
    // Lost for 15 frames (half a second): too long to bridge.
    const lostFrames = Array.from({ length: 15 }, (_, i) => 5 + i);
    const lost = { ...room(), camera: track().filter((s) => !lostFrames.includes(s.sourceFrame)), lostFrames };
    const a = ask('How far did the camera move between frame 1 and frame 13?', lost)!;
    expect(a.value).toBeNull();
    expect(a.text).toMatch(/tracking was lost/i);
  });
});

describe('not a spatial question', () => {
  it('leaves other questions to the VLM', () => {
    expect(ask('What colour is the sofa?')).toBeNull();
    expect(ask('Describe this room.')).toBeNull();
  });
});
