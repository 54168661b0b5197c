/**
 * A worker can die without an `error` event (out of memory, a crashed or killed process)
 * or hang in a loop: Comlink then never answers the call in flight. While a call is in
 * flight the scorer bridge pings the worker; a ping left unanswered for the silence limit
 * means the worker is dead. The scoring worker lets its event loop turn between model
 * runs (workers/scorer.worker.ts), so a healthy worker answers within one model run
 * however long the call, and the limit is generous: one run on a slow phone takes seconds.
 */

/** Seconds a worker may leave a ping unanswered, by default. */
export const SILENCE_LIMIT_S = 60;

/** `?worker_silence_s=N` sets the silence limit to N seconds (at least 1; the tests use a few). */
export function silenceLimitMs(search: string): number {
  const asked = Number(new URLSearchParams(search).get('worker_silence_s'));
  return 1000 * (Number.isFinite(asked) && asked > 0 ? Math.max(1, asked) : SILENCE_LIMIT_S);
}

export interface HeartbeatOptions {
  /** How long a ping may go unanswered. */
  silenceMs: number;
  /** The pause between an answer and the next ping. */
  everyMs?: number;
  now?: () => number;
}

/**
 * Ping while `busy()` holds. Resolves 'silent' when a ping went unanswered for silenceMs
 * while still busy, 'idle' once not busy. A deadline that fired more than silenceMs late
 * means this page was not running either (a blocked main thread, a sleeping laptop): the
 * worker gets a fresh window rather than the blame for time nobody ran. A timer throttled
 * in a background tab fires less late than that, or its ping was answered long before.
 */
export async function heartbeat(ping: () => Promise<unknown>, busy: () => boolean, options: HeartbeatOptions): Promise<'silent' | 'idle'> {
  const { silenceMs, everyMs = Math.min(2000, silenceMs / 2), now = () => performance.now() } = options;
  while (busy()) {
    const answered = await new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout>;
      const arm = () => {
        const armed = now();
        timer = setTimeout(() => (now() - armed > 2 * silenceMs ? arm() : resolve(false)), silenceMs);
      };
      arm();
      const answer = () => {
        clearTimeout(timer);
        resolve(true);
      };
      ping().then(answer, answer);
    });
    if (!busy()) break;
    if (!answered) return 'silent';
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return 'idle';
}
