// The router on questions as people ask them (issue 14): at least 95 % routed with the right parameters.
import { describe, expect, it } from 'vitest';
import { INDOOR_VOCABULARY } from '../../perception/vocabulary';
import { routeQuestion } from '../../spatial/router';
import { LATER_QUESTIONS } from './laterQuestions';
import { PEOPLE_QUESTIONS, type PeopleQuestion } from './peopleQuestions';
import { routedAsExpected, routerAccuracy } from './routerAccuracy';

describe('the hand-written set', () => {
  it('holds at least 150 questions, over every route and the VLM', () => {
    expect(PEOPLE_QUESTIONS.length).toBeGreaterThanOrEqual(150);
    const types = new Set(PEOPLE_QUESTIONS.map((q) => q.type));
    for (const t of [
      'object_counting',
      'object_abs_distance',
      'object_size_estimation',
      'room_size_estimation',
      'object_rel_distance',
      'object_rel_direction_easy',
      'object_rel_direction_medium',
      'object_rel_direction_hard',
      'route_planning',
      'obj_appearance_order',
      'camera_obj_abs_dist',
      'camera_displacement',
      'camera_movement_direction',
      'camera_obj_rel_dist',
      'obj_obj_relative_pos',
      'camera_path_length',
      null,
    ] as const)
      expect(types.has(t), String(t)).toBe(true);
    expect(new Set(PEOPLE_QUESTIONS.map((q) => q.question)).size).toBe(PEOPLE_QUESTIONS.length);
  });
});

describe('routerAccuracy', () => {
  it('routes at least 95 % of the set with the expected parameters', () => {
    const r = routerAccuracy();
    expect(r.total).toBe(PEOPLE_QUESTIONS.length);
    expect(r.correct + r.failures.length).toBe(r.total);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('routes at least 95 % of the phrasings written after the rules and shares no question with the first', () => {
    expect(routerAccuracy(LATER_QUESTIONS).accuracy).toBeGreaterThanOrEqual(0.95);
    const first = new Set(PEOPLE_QUESTIONS.map((q) => q.question.toLowerCase()));
    expect(LATER_QUESTIONS.filter((q) => first.has(q.question.toLowerCase()))).toEqual([]);
  });

  it('routes "Which object is closest to the camera?" to a solver, not the VLM', () => {
    const entry = PEOPLE_QUESTIONS.find((q) => q.question === 'Which object is closest to the camera?')!;
    expect(entry.type).toBe('camera_obj_rel_dist');
    const got = routeQuestion(entry.question, INDOOR_VOCABULARY);
    expect(got?.type).toBe('camera_obj_rel_dist');
    expect(routedAsExpected(entry, got)).toBe(true);
  });

  it('checks each named parameter, the unit included', () => {
    const feet: PeopleQuestion = { question: 'how far is the tv from the sofa in feet', type: 'object_abs_distance', labels: ['tv', 'sofa'], unit: 'ft' };
    expect(routerAccuracy([feet]).accuracy).toBe(1);
    expect(routerAccuracy([{ ...feet, unit: 'm' }]).accuracy).toBe(0);
    expect(routerAccuracy([{ ...feet, labels: ['sofa', 'tv'] }]).accuracy).toBe(0);
    const vlm: PeopleQuestion = { question: 'what colour is the sofa?', type: null };
    expect(routerAccuracy([vlm]).accuracy).toBe(1);
    const failure = routerAccuracy([{ ...vlm, type: 'object_size_estimation' }]).failures[0]!;
    expect(failure).toMatchObject({ question: vlm.question, got: null });
  });

  it('routes a sample of entries with their parameters', () => {
    const pick = (question: string) => PEOPLE_QUESTIONS.find((q) => q.question === question)!;
    for (const q of [
      'how meny chairs are there?',
      'how tall is the fridge in inches',
      'how big is the room in square feet',
      'is the lamp left of the sofa if I face the TV from the door?',
      'which did I see first, the bed or the lamp?',
      'how far did I walk',
      'how far apart are frames 5 and 40',
      'is this room good for a party?',
    ])
      expect(routedAsExpected(pick(q), routeQuestion(q, INDOOR_VOCABULARY)), q).toBe(true);
  });
});
