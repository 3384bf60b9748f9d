import { describe, expect, it } from 'vitest';
import { ScreenWakeLock, type PageVisibility, type WakeLockApi, type WakeLockState } from './wakeLock';

/** A page whose visibility the test sets, and a wake lock API that grants locks the browser can take back. */
function fakes(grant = true) {
  const listeners: (() => void)[] = [];
  const page = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: 'visibilitychange', l: () => void) => listeners.push(l),
  };
  const held: { released: boolean; fire: () => void }[] = [];
  const api: WakeLockApi = {
    request: async () => {
      if (!grant) throw new DOMException('refused', 'NotAllowedError');
      let onRelease = () => {};
      const lock = {
        released: false,
        fire: () => {
          lock.released = true;
          onRelease();
        },
        release: async () => lock.fire(),
        addEventListener: (_: 'release', l: () => void) => {
          onRelease = l;
        },
      };
      held.push(lock);
      return lock;
    },
  };
  const setVisibility = (v: DocumentVisibilityState) => {
    page.visibilityState = v;
    listeners.forEach((l) => l());
  };
  return { page: page as PageVisibility, api, held, setVisibility };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ScreenWakeLock', () => {
  it('holds the screen on until released', async () => {
    const f = fakes();
    const states: WakeLockState[] = [];
    const lock = new ScreenWakeLock(f.api, f.page, (s) => states.push(s));
    await lock.hold();
    expect(states).toEqual(['on']);
    expect(f.held[0]!.released).toBe(false);
    lock.release();
    await flush();
    expect(f.held[0]!.released).toBe(true);
    expect(states).toEqual(['on', 'off']);
  });

  it('takes the lock again when the page comes back after the browser dropped it', async () => {
    const f = fakes();
    const states: WakeLockState[] = [];
    const lock = new ScreenWakeLock(f.api, f.page, (s) => states.push(s));
    await lock.hold();
    f.setVisibility('hidden');
    f.held[0]!.fire(); // the browser releases a screen lock when the page is hidden
    f.setVisibility('visible');
    await flush();
    expect(f.held).toHaveLength(2);
    expect(f.held[1]!.released).toBe(false);
    expect(states).toEqual(['on', 'off', 'on']);
    lock.release();
    f.setVisibility('hidden');
    f.setVisibility('visible');
    await flush();
    expect(f.held).toHaveLength(2); // not wanted any more: not taken again
  });

  it('says when the browser has no wake lock or refuses it', async () => {
    const states: WakeLockState[] = [];
    await new ScreenWakeLock(undefined, fakes().page, (s) => states.push(s)).hold();
    const refused = fakes(false);
    await new ScreenWakeLock(refused.api, refused.page, (s) => states.push(s)).hold();
    expect(states).toEqual(['unavailable', 'unavailable']);
  });
});
