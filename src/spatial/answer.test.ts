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

  it('picks the option that the order of the seen categories singles out when one was never seen, and says so; none when it does not', () => {
    // No bed in this capture; sofa, tv, table were first seen in that order, and only B lists all three so.
    const q =
      'What will be the first-time appearance order of the following categories in the video: bed, sofa, table, tv?\nA. bed, sofa, table, tv\nB. sofa, tv, table, bed\nC. tv, sofa, bed, table\nD. table, sofa, tv, bed';
    const a = ask(q)!;
    expect(a.value).toBe('B');
    expect(a.text).toContain('Not seen: bed');
    // Here A and B both list sofa before tv: the order seen does not choose.
    const tie = 'What will be the first-time appearance order of the following categories in the video: bed, sofa, tv?\nA. bed, sofa, tv\nB. sofa, bed, tv';
    expect(ask(tie)!.value).toBeNull();
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

// At the end of the track (frame 30) the camera stands at (1, 1.5, 1.9): the chair#1 box (x 0.75–1.25, y 0–0.9,
// z 2.25–2.75) is 0.69 m away, the table 0.86 m, the lamp 1.13 m.
describe('everyday wording', () => {
  it('answers "which object is closest to the camera?" from where the camera is now', () => {
    const a = ask('Which object is closest to the camera?')!;
    expect(a.type).toBe('camera_obj_rel_dist');
    expect(a.value).toBe('chair');
    expect(a.figures.chair_m).toBeCloseTo(Math.hypot(0.6, 0.35), 5);
    expect(a.text).toMatch(/where it is now/);
    expect(ask("what's the nearest thing to me")!.value).toBe('chair');
    // Named objects, no frame: still the camera now.
    expect(ask('which is closer to me, the tv or the lamp?')!.value).toBe('lamp');
    // At a frame: the camera at frame 1 stands at (0, 1.5, 0), on top of the sofa.
    expect(ask('Which object is closest to the camera in frame 1?')!.value).toBe('sofa');
  });

  it('measures from the camera now to an object', () => {
    const a = ask('how far am i from the tv right now')!;
    expect(a.type).toBe('camera_obj_abs_dist');
    // To the tv box's nearest point (0.6, 1.5, 3.95).
    expect(a.value as number).toBeCloseTo(Math.hypot(0.4, 2.05), 5);
  });

  it('reads typos, shorthand and lower case', () => {
    expect(ask('how meny chiars r there')!.value).toBe(2);
    expect(ask('hw far is the tabel from the sofa')!.value as number).toBeCloseTo(0.8, 5);
    expect(ask('how far did i wlak')!.value as number).toBeCloseTo(2.9, 5);
  });

  it('answers directions and order asked in a person’s words', () => {
    expect(ask('if I stand by the sofa facing the tv, is the lamp on my left?')!.value).toBe('left');
    expect(ask('facing the tv from the sofa, which side is the plant on')!.value).toBe('right');
    // "Left of the table" compares the lamp's side with the table's, seen from the sofa facing the tv.
    const lamp = ask('is the lamp left of the table if I face the TV from the sofa?')!;
    expect(lamp.value).toBe('left');
    expect(lamp.objects).toEqual(['sofa#1', 'tv#1', 'lamp#1', 'table#1']);
    expect(ask('is the plant left of the lamp if I face the TV from the sofa?')!.value).toBe('right');
    expect(ask('which did I see first, the tv or the sofa?')!.value).toBe('sofa, tv');
    // At the table, heading +z, the lamp (+x, a little behind) is 104° to the left.
    const turn = ask("I'm at the sofa facing the table. I walk to the table, then which way do I turn to get to the lamp?")!;
    expect(turn.type).toBe('route_planning');
    expect(turn.value).toBe('turn left');
  });

  it('finds what is nearest to an object among everything mapped', () => {
    const a = ask('what is nearest to the table?')!;
    expect(a.type).toBe('object_rel_distance');
    expect(a.value).toBe('chair');
    expect(a.figures.chair_m).toBeCloseTo(Math.hypot(0.15, 0.45), 5);
  });
});

describe('answers in the unit asked for', () => {
  it('gives distances in feet and inches', () => {
    const a = ask('how far is the tv from the sofa in feet')!;
    expect(a.unit).toBe('ft');
    expect(a.value as number).toBeCloseTo(3.55 / 0.3048, 5);
    expect(a.text).toMatch(/^12 ft \(3\.55 m\)/);
    expect(a.figures.distance_m).toBeCloseTo(3.55, 5);
    const b = ask('How far is the lamp from the table, in inches?')!;
    expect(b.unit).toBe('in');
    expect(b.value as number).toBeCloseTo(Math.hypot(1.25, 0.05) / 0.0254, 5);
  });

  it('gives sizes in inches, feet or centimetres', () => {
    const tall = ask('how tall is the lamp in inches')!;
    expect(tall.unit).toBe('in');
    expect(tall.value as number).toBeCloseTo(1.6 / 0.0254, 5);
    expect(tall.text).toMatch(/63 in \(1\.60 m\) tall/);
    const long = ask('how long is the sofa in cm')!;
    expect(long.unit).toBe('cm');
    expect(long.value as number).toBeCloseTo(200, 5);
    const big = ask('how big is the sofa in feet?')!;
    expect(big.unit).toBe('ft');
    expect(big.value as number).toBeCloseTo(2 / 0.3048, 5);
    // Without a unit, the longest side stays in centimetres and a named one in metres.
    expect(ask('how big is the sofa')!.unit).toBe('cm');
    expect(ask('how wide is the table')!.unit).toBe('m');
  });

  it('gives the floor in square feet and the ceiling in feet', () => {
    const area = ask('how big is the room in square feet')!;
    expect(area.unit).toBe('ft²');
    expect(area.value as number).toBeCloseTo(20 / (0.3048 * 0.3048), 5);
    expect(area.text).toMatch(/^About 215 ft² \(20\.0 m²\)/);
    expect(ask("what's the square footage")!.unit).toBe('ft²');
    expect(ask('how many square meters is the room')!.value).toBe(20);
    const ceiling = ask('how high is the ceiling in feet')!;
    expect(ceiling.type).toBe('room_size_estimation');
    expect(ceiling.unit).toBe('ft');
    expect(ceiling.value as number).toBeCloseTo(2.6 / 0.3048, 5);
    expect(ask('how high is the ceiling')!.value as number).toBeCloseTo(2.6, 5);
  });

  it('gives the camera’s motion and the path walked in feet', () => {
    const moved = ask('how far did the camera move between frame 1 and frame 20 in feet')!;
    expect(moved.unit).toBe('ft');
    expect(moved.value as number).toBeCloseTo(1.9 / 0.3048, 5);
    const walked = ask('how far have i walked in feet?')!;
    expect(walked.unit).toBe('ft');
    expect(walked.value as number).toBeCloseTo(2.9 / 0.3048, 5);
    // A threshold in feet: 2.9 m is 9.5 ft.
    expect(ask('did I walk more than 9 feet?')!.value).toBe('yes');
    expect(ask('did I walk more than 10 feet?')!.value).toBe('no');
  });
});

describe('an object named at a frame', () => {
  it('is the instance that frame shows, not a nearer one behind the camera', () => {
    // Two plants: one 3 m ahead of the camera at frame 1 (in view), one 1 m behind it (out of view).
    const memory: SceneMemory = {
      ...room(),
      objects: [
        object('plant#1', [0, 1.5, 3], [0.4, 0.4, 0.4], 0),
        object('plant#2', [0, 1.5, -1], [0.4, 0.4, 0.4], 0),
        object('lamp#1', [0, 1.5, 1.5], [0.4, 0.4, 0.4], 0),
      ],
    };
    const far = answerSpatialQuestion(
      'What is the approximate distance (in meters) between the camera and the nearest point of the plant in frame 1 of 30?',
      memory,
    )!;
    expect(far.value).toBeCloseTo(2.8, 5);
    const closest = answerSpatialQuestion(
      'Measuring from the closest point of each object, which of these objects (plant, lamp) is the closest to the camera in frame 1 of 30?\nA. plant\nB. lamp',
      memory,
    )!;
    expect(closest.value).toBe('B');
    // Asked about now (no frame), the nearest plant is the nearest, wherever it is.
    expect(answerSpatialQuestion('how far am I from the plant', memory)!.value).toBeLessThan(2.8);
  });
});
