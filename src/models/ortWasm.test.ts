import { describe, expect, it } from 'vitest';
import { answerThreads } from './ortWasm';

describe('answerThreads', () => {
  it('every core, at least one, at most four', () => {
    expect([undefined, 0, 1, 2, 3, 8, 64].map(answerThreads)).toEqual([1, 1, 1, 2, 3, 4, 4]);
  });
});
