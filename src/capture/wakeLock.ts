// Keeps the screen on while a capture runs: a phone that dims and locks mid-recording stops the camera and pauses
// a video being processed. The browser drops a screen wake lock whenever the page is hidden, so one still wanted
// is taken again when the page is shown. Browsers without the Wake Lock API (or that refuse it, e.g. on low
// battery) just let the screen sleep: the state says so.

/** The parts of `navigator.wakeLock` and `document` used here (so the logic runs in Node tests with stand-ins). */
export interface WakeLockApi {
  request(type: 'screen'): Promise<{ release(): Promise<void>; addEventListener(type: 'release', listener: () => void): void }>;
}
export interface PageVisibility {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
}

export type WakeLockState = 'off' | 'on' | 'unavailable';

export class ScreenWakeLock {
  private wanted = false;
  private sentinel: { release(): Promise<void> } | null = null;
  private state: WakeLockState = 'off';

  constructor(
    private readonly api: WakeLockApi | undefined,
    page: PageVisibility,
    private readonly onChange: (state: WakeLockState) => void,
  ) {
    page.addEventListener('visibilitychange', () => {
      if (this.wanted && page.visibilityState === 'visible' && !this.sentinel) void this.request();
    });
  }

  /** Keeps the screen on until `release`. */
  async hold(): Promise<void> {
    this.wanted = true;
    if (!this.sentinel) await this.request();
  }

  release(): void {
    this.wanted = false;
    const sentinel = this.sentinel;
    this.sentinel = null;
    void sentinel?.release().catch(() => {});
    this.set('off');
  }

  private async request(): Promise<void> {
    if (!this.api) return this.set('unavailable');
    try {
      const sentinel = await this.api.request('screen');
      if (!this.wanted) {
        void sentinel.release().catch(() => {}); // released while the request was pending
        return;
      }
      this.sentinel = sentinel;
      // The browser releases it when the page is hidden; the visibility listener takes it again.
      sentinel.addEventListener('release', () => {
        if (this.sentinel !== sentinel) return;
        this.sentinel = null;
        this.set('off');
      });
      this.set('on');
    } catch {
      this.set('unavailable'); // refused (hidden page, battery saver, policy)
    }
  }

  private set(state: WakeLockState): void {
    if (state === this.state) return;
    this.state = state;
    this.onChange(state);
  }
}
