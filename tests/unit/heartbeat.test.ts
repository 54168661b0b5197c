/** The scorer bridge's heartbeat (src/app/heartbeat.ts), on fake timers: when a silent worker counts as dead. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { heartbeat, silenceLimitMs, SILENCE_LIMIT_S } from '../../src/app/heartbeat';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const never = () => new Promise<never>(() => {});
const now = () => Date.now(); // faked with the timers

it('reads ?worker_silence_s, ignoring what it cannot use', () => {
  expect(silenceLimitMs('')).toBe(SILENCE_LIMIT_S * 1000);
  expect(silenceLimitMs('?worker_silence_s=5')).toBe(5000);
  expect(silenceLimitMs('?worker_silence_s=0.2')).toBe(1000);
  for (const bad of ['0', '-3', 'soon', 'Infinity']) expect(silenceLimitMs(`?worker_silence_s=${bad}`)).toBe(SILENCE_LIMIT_S * 1000);
});

it('a worker that never answers is silent after the limit, not before', async () => {
  let verdict: string | undefined;
  heartbeat(never, () => true, { silenceMs: 10_000, now }).then((v) => (verdict = v));
  await vi.advanceTimersByTimeAsync(9_999);
  expect(verdict).toBeUndefined();
  await vi.advanceTimersByTimeAsync(1);
  expect(verdict).toBe('silent');
});

it('a slow worker that answers every ping within the limit is never silent', async () => {
  let pings = 0;
  let busy = true;
  let verdict: string | undefined;
  const slow = () => {
    pings++;
    return new Promise((resolve) => setTimeout(resolve, 9_000));
  };
  heartbeat(slow, () => busy, { silenceMs: 10_000, now }).then((v) => (verdict = v));
  await vi.advanceTimersByTimeAsync(120_000);
  expect(verdict).toBeUndefined();
  expect(pings).toBeGreaterThan(5);
  busy = false;
  await vi.advanceTimersByTimeAsync(20_000);
  expect(verdict).toBe('idle');
});

it('a worker that goes quiet after answering is silent one limit after the unanswered ping', async () => {
  let answering = true;
  let verdict: string | undefined;
  const ping = () => (answering ? Promise.resolve(true) : never());
  heartbeat(ping, () => true, { silenceMs: 10_000, everyMs: 2_000, now }).then((v) => (verdict = v));
  await vi.advanceTimersByTimeAsync(30_000);
  expect(verdict).toBeUndefined();
  answering = false;
  // The ping at 30 s was answered; the next goes out 2 s later and waits its 10 s.
  await vi.advanceTimersByTimeAsync(11_999);
  expect(verdict).toBeUndefined();
  await vi.advanceTimersByTimeAsync(1);
  expect(verdict).toBe('silent');
});

it('stops pinging once no call is in flight, even with a ping unanswered', async () => {
  let busy = true;
  let pings = 0;
  let verdict: string | undefined;
  heartbeat(() => (pings++, never()), () => busy, { silenceMs: 10_000, now }).then((v) => (verdict = v));
  await vi.advanceTimersByTimeAsync(5_000);
  busy = false; // the call came back: the worker is alive
  await vi.advanceTimersByTimeAsync(60_000);
  expect(verdict).toBe('idle');
  expect(pings).toBe(1);
});

it('a deadline that fires long after it was due (the page itself was not running) gives a fresh window', async () => {
  let clock = 0;
  let verdict: string | undefined;
  heartbeat(never, () => true, { silenceMs: 10_000, now: () => clock }).then((v) => (verdict = v));
  clock = 50_000; // the laptop slept: the timer fires 40 s late
  await vi.advanceTimersByTimeAsync(10_000);
  expect(verdict).toBeUndefined();
  clock = 60_000; // awake: a fresh window, on time
  await vi.advanceTimersByTimeAsync(10_000);
  expect(verdict).toBe('silent');
});
