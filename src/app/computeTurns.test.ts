import { describe, expect, it } from 'vitest';
import { ComputeTurns } from './computeTurns';

describe('ComputeTurns', () => {
  it('lets a waiter go on only once every hold is released', async () => {
    const turns = new ComputeTurns();
    await turns.whenFree(); // free at first
    const chat = turns.hold('the chat model is answering');
    const scan = turns.hold('objects are being searched for');
    expect(turns.holder).toBe('the chat model is answering');
    let went = false;
    const waiting = turns.whenFree().then(() => (went = true));
    chat();
    chat(); // twice is harmless
    await Promise.resolve();
    expect(went).toBe(false);
    expect(turns.holder).toBe('objects are being searched for');
    scan();
    await waiting;
    expect(went).toBe(true);
    expect(turns.holder).toBeNull();
  });
});
