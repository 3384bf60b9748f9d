import { describe, expect, it } from 'vitest';
import { firstWord, pythonFloat, scoreChoice, scoreNumeric, scoreVsiAnswer } from './vsibenchScore';

describe('VSI-Bench answer scoring', () => {
  it('takes the first word and drops its trailing dots', () => {
    expect(firstWord('B. sofa')).toBe('B');
    expect(firstWord('b')).toBe('b');
    expect(firstWord('2.5 m')).toBe('2.5');
    expect(firstWord('3.')).toBe('3');
    expect(firstWord(' A')).toBe(''); // split on ' ' keeps the empty first word, as Python's does
  });

  it('compares choices case-insensitively with the letter', () => {
    expect(scoreChoice('A', 'A')).toBe(1);
    expect(scoreChoice('a.', 'A')).toBe(1);
    expect(scoreChoice('C. back', 'C')).toBe(1);
    expect(scoreChoice('B', 'A')).toBe(0);
    expect(scoreChoice('Answer: A', 'A')).toBe(0);
    expect(scoreChoice('left', 'A')).toBe(0);
  });

  it('reads numbers as Python float() does', () => {
    expect(pythonFloat('2.5')).toBe(2.5);
    expect(pythonFloat('-1e2')).toBe(-100);
    expect(pythonFloat('.5')).toBe(0.5);
    expect(pythonFloat('5.')).toBe(5);
    expect(pythonFloat('1_000')).toBe(1000);
    expect(pythonFloat('inf')).toBe(Infinity);
    expect(pythonFloat('2.5m')).toBeNull();
    expect(pythonFloat('two')).toBeNull();
    expect(pythonFloat('')).toBeNull();
  });

  it('scores numbers by MRA, and what is not a number as 0', () => {
    expect(scoreNumeric('2', 2)).toBe(1);
    expect(scoreNumeric('2.2 metres', 2)).toBeCloseTo(0.9);
    expect(scoreNumeric('about 2', 2)).toBe(0);
    expect(scoreNumeric('inf', 2)).toBe(0);
    expect(scoreVsiAnswer('150', 150)).toBe(1);
    expect(scoreVsiAnswer('B', 'B')).toBe(1);
    expect(scoreVsiAnswer('150', 'B')).toBe(0);
  });
});
