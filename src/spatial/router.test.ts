// The router on its own: how it reads what people type (shorthand, one-letter slips, units) and the routes
// and parameters it gives, with the benchmarks' wording kept as it was.
import { describe, expect, it } from 'vitest';
import { INDOOR_VOCABULARY } from '../perception/vocabulary';
import { askedUnit, normaliseQuestion, routeQuestion } from './router';

const route = (q: string) => routeQuestion(q, INDOOR_VOCABULARY);
const norm = (q: string) => normaliseQuestion(q, INDOOR_VOCABULARY);

describe('normaliseQuestion', () => {
  it('spells out contractions and chat shorthand', () => {
    expect(norm("What's the distance")).toBe('what is the distance');
    expect(norm('hw many r there')).toBe('how many are there');
    expect(norm("i'm at the bed")).toBe('i am at the bed');
  });

  it('corrects a word one slip from a keyword or an object', () => {
    expect(norm('meny distnace frist wlak tal heigth')).toBe('many distance first walk tall height');
    expect(norm('chiars tabel fridg')).toBe('chairs table fridge');
  });

  it('keeps real words near a keyword or an object as they are', () => {
    const words = 'with plan fist all any tell closet weight eight hair able tablet houses may';
    expect(norm(words)).toBe(words);
    // Short object names are not guessed at ("bad" is not "bed").
    expect(norm('bad cap')).toBe('bad cap');
  });
});

describe('askedUnit', () => {
  it('reads the unit the answer is asked in', () => {
    expect(askedUnit('how far is the tv from the sofa in feet')).toBe('ft');
    expect(askedUnit('how many inches wide is it')).toBe('in');
    expect(askedUnit('measured in centimeters')).toBe('cm');
    expect(askedUnit('what is the distance (in meters)?')).toBe('m');
    expect(askedUnit('how big is the room in square feet')).toBe('ft2');
    expect(askedUnit("what's the square footage")).toBe('ft2');
    expect(askedUnit('floor area in sq ft')).toBe('ft2');
    expect(askedUnit('the size of this room (in square meters)')).toBe('m2');
    expect(askedUnit('how many m2 is the room')).toBe('m2');
  });

  it('does not take a number’s unit, or a bare "in", for the answer’s', () => {
    expect(askedUnit('did I walk more than 3 m')).toBeUndefined();
    expect(askedUnit('did I walk more than 20 feet')).toBeUndefined();
    expect(askedUnit('how many chairs are in the room')).toBeUndefined();
  });
});

describe('routeQuestion on everyday wording', () => {
  it('routes "which object is closest to the camera?" to the camera solver, with no frame (the camera now)', () => {
    expect(route('Which object is closest to the camera?')).toMatchObject({ type: 'camera_obj_rel_dist', labels: [], frames: [] });
    expect(route('what am I closest to')).toMatchObject({ type: 'camera_obj_rel_dist', labels: [], frames: [] });
    expect(route('which is closer to me, the door or the window?')).toMatchObject({ type: 'camera_obj_rel_dist', labels: ['door', 'window'] });
    expect(route('which object was closest to the camera at the 25th frame?')).toMatchObject({ type: 'camera_obj_rel_dist', frames: [25] });
  });

  it('tells the camera apart from an object as what things are closest to', () => {
    expect(route('which is closer to the bed, the lamp or the desk?')).toMatchObject({ type: 'object_rel_distance', labels: ['bed', 'lamp', 'desk'] });
    expect(route('is the chair or the stool closer to the counter')).toMatchObject({ type: 'object_rel_distance', labels: ['counter', 'chair', 'stool'] });
    expect(route('what is nearest to the door')).toMatchObject({ type: 'object_rel_distance', labels: ['door'] });
    expect(route('in frame 20 is the bed closer to the camera than the desk?')).toMatchObject({
      type: 'obj_obj_relative_pos',
      labels: ['bed', 'desk'],
      axis: 'near-far',
    });
  });

  it('reads the distance between the camera and one object, with or without a frame', () => {
    expect(route('how far am i from the sofa right now')).toMatchObject({ type: 'camera_obj_abs_dist', labels: ['sofa'], frames: [] });
    expect(route('how far is the chair from the camera at the 20th frame')).toMatchObject({ type: 'camera_obj_abs_dist', labels: ['chair'], frames: [20] });
    expect(route('how far is the tv from the sofa')).toMatchObject({ type: 'object_abs_distance', labels: ['tv', 'sofa'] });
  });

  it('reads a standpoint, what is faced and the object asked about in any order', () => {
    expect(route('if I stand by the stove facing the sink, is the fridge on my left?')).toMatchObject({
      type: 'object_rel_direction_easy',
      labels: ['stove', 'sink', 'refrigerator'],
    });
    expect(route('when I face the window from the bed, is the door behind me?')).toMatchObject({
      type: 'object_rel_direction_medium',
      labels: ['bed', 'window', 'door'],
    });
    expect(route('is the lamp left of the sofa if I face the TV from the door?')).toMatchObject({
      type: 'object_rel_direction_easy',
      labels: ['door', 'tv', 'lamp', 'sofa'],
    });
    expect(route("if i'm sitting on the sofa facing the tv, is the lamp front left or back right?")).toMatchObject({ variant: 'hard' });
  });

  it('reads a route in a person’s words, with a turn only where one is asked', () => {
    const r = route("I'm at the bed facing the tv. I walk to the tv, then which way do I turn to get to the sofa?")!;
    expect(r.type).toBe('route_planning');
    expect(r.route).toEqual({ start: 'bed', facing: 'tv', legs: ['tv', 'sofa'], turnBefore: [false, true] });
  });

  it('reads appearance order, camera motion and the path walked', () => {
    expect(route('did the fridge show up before the stove?')).toMatchObject({ type: 'obj_appearance_order', labels: ['refrigerator', 'stove'] });
    expect(route('which did i see frist, the couch or the tv')).toMatchObject({ type: 'obj_appearance_order', labels: ['sofa', 'tv'] });
    expect(route('how far apart are frames 5 and 40')).toMatchObject({ type: 'camera_displacement', frames: [5, 40] });
    expect(route('from frame 6 to frame 14 did the camera go left?')).toMatchObject({ type: 'camera_movement_direction', frames: [6, 14] });
    expect(route('total distance walked?')).toMatchObject({ type: 'camera_path_length' });
    expect(route('did i walk less than 20 feet?')).toMatchObject({ type: 'camera_path_length', threshold: { op: 'less', metres: 20 * 0.3048 }, unit: 'ft' });
  });

  it('gives the unit asked where the answer is a length or an area, and none elsewhere', () => {
    expect(route('how many feet between the bed and the dresser')).toMatchObject({ type: 'object_abs_distance', unit: 'ft' });
    expect(route('how many centimeters tall is the chair')).toMatchObject({ type: 'object_size_estimation', dimension: 'height', unit: 'cm' });
    expect(route('how big is the room in feet?')).toMatchObject({ type: 'room_size_estimation', unit: 'ft2' });
    expect(route("what's the ceiling height in feet")).toMatchObject({ type: 'room_size_estimation', dimension: 'height', unit: 'ft' });
    expect(route('how many chairs are in the room')?.unit).toBeUndefined();
  });

  it('leaves what the map cannot measure to the VLM', () => {
    for (const q of [
      'what colour is the sofa?',
      'describe the room',
      'is this room good for a party?',
      'how many people live here',
      'what is to the left of the tv?',
      'would a king size bed fit in here',
      'is there anything on the bed?',
      'which is prettier, the lamp or the plant?',
      'how heavy is the table',
      'can you tell me about the kitchen',
    ])
      expect(route(q), q).toBeNull();
  });
});

describe('routeQuestion on the benchmarks’ wording', () => {
  it('keeps the templates’ routes and asks their units', () => {
    expect(route('What is the length of the longest dimension (length, width, or height) of the sofa, measured in centimeters?')).toMatchObject({
      type: 'object_size_estimation',
      dimension: 'longest',
      unit: 'cm',
    });
    expect(route('Measuring from the closest point of each object, what is the distance between the bed and the door (in meters)?')).toMatchObject({
      type: 'object_abs_distance',
      labels: ['bed', 'door'],
      unit: 'm',
    });
    expect(route('What is the size of this room (in square meters)? \nIf multiple rooms are shown, estimate the size of the combined space.')).toMatchObject({
      type: 'room_size_estimation',
      unit: 'm2',
    });
    expect(
      route(
        'If I am standing by the stove and facing the sofa, is the tv to my left, right, or back?\nAn object is to my back if I would have to turn at least 135 degrees in order to face it.\nA. right\nB. back\nC. left',
      ),
    ).toMatchObject({ type: 'object_rel_direction_medium', labels: ['stove', 'sofa', 'tv'] });
    expect(route('If I am standing by the sofa and facing the tv, is the lamp to the left or the right of the tv?')).toMatchObject({
      type: 'object_rel_direction_easy',
      labels: ['sofa', 'tv', 'lamp'],
    });
    expect(route('Approximately how far (in meters) did the camera move between frame 3 and frame 20 of 32?')).toMatchObject({
      type: 'camera_displacement',
      frames: [3, 20],
      unit: 'm',
    });
  });
});

describe('relative position', () => {
  it('takes the object after "relative to" as the reference, whichever is named first', () => {
    const vocab = ['lamp', 'sofa'];
    for (const q of ['In frame 12 of 200, relative to the sofa, is the lamp to the left or right?', 'At frame 12, is the lamp to the left of the sofa?']) {
      const r = routeQuestion(q, vocab)!;
      expect([r.type, r.labels, r.axis]).toEqual(['obj_obj_relative_pos', ['lamp', 'sofa'], 'left-right']);
    }
  });
});
