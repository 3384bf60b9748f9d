import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('gives the answer in time, and a DeadlineError naming the step when it is late', async () => {
    await expect(withDeadline(Promise.resolve(3), 50, 'the model')).resolves.toBe(3);
    const never = new Promise<number>(() => {});
    await expect(withDeadline(never, 20, 'The depth model')).rejects.toThrow(new DeadlineError('The depth model', 20));
    await expect(withDeadline(never, 20, 'The depth model')).rejects.toThrow('The depth model gave no answer within 0 s');
  });
});
