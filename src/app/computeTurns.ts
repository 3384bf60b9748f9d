// The depth model, the object detector and the chat model share one GPU (or the same CPU cores). A video file can
// wait, so it does, while the chat model answers: the answer comes sooner and the video loses nothing. (A live
// camera cannot wait; its pipeline skips keyframes instead, and says so.)

export class ComputeTurns {
  /** Who holds the compute, by hold. */
  private readonly holds = new Map<object, string>();
  private waiters: (() => void)[] = [];

  /** What holds the compute now, e.g. "the chat model is answering" (null: nothing). */
  get holder(): string | null {
    return this.holds.values().next().value ?? null;
  }

  /** Takes the compute for `what` until the returned function is called (calling it twice is harmless). */
  hold(what: string): () => void {
    const token = {};
    this.holds.set(token, what);
    return () => {
      if (!this.holds.delete(token) || this.holds.size > 0) return;
      this.waiters.splice(0).forEach((wake) => wake());
    };
  }

  /** Resolves when nothing holds the compute. */
  whenFree(): Promise<void> {
    return this.holds.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
