import { describe, expect, it } from 'vitest';
import { mentionedObjectNumbers } from './objectMentions';

describe('mentionedObjectNumbers', () => {
  it('finds the objects an answer names by number', () => {
    expect(mentionedObjectNumbers('The sofa (object 3) is left of the TV, object #7.')).toEqual([3, 7]);
    expect(mentionedObjectNumbers('Objects 2, 4 and 5 are chairs; object 2 is closest.')).toEqual([2, 4, 5]);
    expect(mentionedObjectNumbers('See [12] and #4 on the plan.')).toEqual([12, 4]);
  });

  it('ignores numbers that are not objects', () => {
    expect(mentionedObjectNumbers('The room is 4.2 m wide and has 3 chairs; frame 12 shows it.')).toEqual([]);
    expect(mentionedObjectNumbers('object 0, object 99999, issue#4')).toEqual([]);
  });

  it('keeps at most a dozen', () => {
    const many = Array.from({ length: 30 }, (_, i) => `object ${i + 1}`).join(', ');
    expect(mentionedObjectNumbers(many)).toHaveLength(12);
  });
});
