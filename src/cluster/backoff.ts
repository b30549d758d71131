/**
 * Exponential backoff with full jitter: a random wait between 0 and min(max, base · 2^attempt), so
 * many nodes retrying after the same outage do not retry in step.
 */
export function backoff(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}
