import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_NOTICES, useApp } from './store';

const texts = () => useApp.getState().notices.map((n) => n.text);

describe('notices', () => {
  beforeEach(() => useApp.getState().dismissAll());

  it('keeps one notice per state: a newer one replaces it, and the end of the state clears it', () => {
    const { notify, clearNotice } = useApp.getState();
    notify('warning', 'Tracking lost: too fast.', 'tracking');
    notify('error', 'Could not open x.mp4.');
    notify('warning', 'Tracking lost: cannot recognise any earlier view yet.', 'tracking');
    expect(texts()).toEqual(['Could not open x.mp4.', 'Tracking lost: cannot recognise any earlier view yet.']);
    clearNotice('tracking');
    expect(texts()).toEqual(['Could not open x.mp4.']);
  });

  it('shows the same message once, as the newest, and keeps only the last few', () => {
    const { notify } = useApp.getState();
    notify('error', 'a');
    notify('error', 'b');
    notify('error', 'a');
    expect(texts()).toEqual(['b', 'a']);
    for (let i = 0; i < 20; i++) notify('info', `n${i}`);
    expect(texts()).toHaveLength(MAX_NOTICES);
    expect(texts().at(-1)).toBe('n19');
  });

  it('dismisses one, or all', () => {
    const { notify, dismiss, dismissAll } = useApp.getState();
    notify('error', 'a');
    notify('error', 'b');
    dismiss(useApp.getState().notices[0]!.id);
    expect(texts()).toEqual(['b']);
    dismissAll();
    expect(texts()).toEqual([]);
  });
});
