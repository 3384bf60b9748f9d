// A step that makes no progress for a set time ends with a message instead of leaving the app waiting forever.

export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} gave no answer within ${Math.round(ms / 1000)} s`);
    this.name = 'DeadlineError';
  }
}

/** `work`, or a DeadlineError once `ms` have passed (the work itself is not stopped: it is no longer waited for). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
