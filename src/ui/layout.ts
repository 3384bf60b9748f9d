// The page's layout: three panes side by side on a wide screen; on a phone, a tablet in portrait or any short
// landscape screen ("compact"), one section at a time (Capture, 3D view, Chat, Library) picked from a bar.
import { useEffect, useState } from 'react';
import { create } from 'zustand';

/** Below this width, or this height (a phone in landscape), the panes do not fit side by side. */
export const COMPACT_QUERY = '(max-width: 899px), (max-height: 499px)';

export type Section = 'capture' | 'view' | 'chat' | 'library';

export const SECTIONS: { id: Section; label: string }[] = [
  { id: 'capture', label: 'Capture' },
  { id: 'view', label: '3D view' },
  { id: 'chat', label: 'Chat' },
  { id: 'library', label: 'Library' },
];

interface LayoutState {
  /** The section shown in the compact layout (the wide one shows them all). */
  section: Section;
  /** An answer arrived while the chat was not shown (compact layout): the Chat button says so. */
  unreadChat: boolean;
  show(section: Section): void;
  setUnreadChat(unread: boolean): void;
}

export const useLayout = create<LayoutState>((set) => ({
  section: 'capture',
  unreadChat: false,
  show: (section) => set((s) => ({ section, unreadChat: section === 'chat' ? false : s.unreadChat })),
  setUnreadChat: (unreadChat) => set({ unreadChat }),
}));

const compactNow = () => typeof matchMedia === 'function' && matchMedia(COMPACT_QUERY).matches;

/** Whether the compact layout applies now (follows rotation and window resizes). */
export function useCompactLayout(): boolean {
  const [compact, setCompact] = useState(compactNow);
  useEffect(() => {
    const query = matchMedia(COMPACT_QUERY);
    const update = () => setCompact(query.matches);
    query.addEventListener('change', update);
    update();
    return () => query.removeEventListener('change', update);
  }, []);
  return compact;
}

/** True while the compact layout shows another section than `section` (so its content is out of sight). */
export function isHiddenSection(section: Section): boolean {
  return compactNow() && useLayout.getState().section !== section;
}

/**
 * The app's height follows the visual viewport: when an on-screen keyboard opens over the page (iOS Safari, and
 * browsers that overlay it), the app shrinks to the part still visible, so the chat box stays above the keyboard.
 * Where the browser resizes the page itself (`interactive-widget=resizes-content`), `100dvh` already does this.
 */
export function useVisualViewportHeight(): void {
  useEffect(() => {
    const vv = window.visualViewport;
    if (!vv) return;
    const root = document.documentElement;
    const update = () => {
      if (Math.abs(vv.scale - 1) > 0.01) return; // pinch-zoomed: the visual viewport is not the keyboard's doing
      root.style.setProperty('--app-height', `${Math.round(vv.height)}px`);
      // iOS scrolls the page up to show a focused field; the app already fits, so keep it at the top.
      if (vv.offsetTop > 0) window.scrollTo(0, 0);
    };
    vv.addEventListener('resize', update);
    vv.addEventListener('scroll', update);
    update();
    return () => {
      vv.removeEventListener('resize', update);
      vv.removeEventListener('scroll', update);
      root.style.removeProperty('--app-height');
    };
  }, []);
}
