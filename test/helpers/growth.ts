/**
 * How a piece of work grows with its input, measured as a ratio of CPU
 * times rather than against a fixed budget: speed itself is measured in
 * `npm run bench` (goals beside figures), while a test only has to catch a
 * change of order. A fixed "under 250 ms" failed CI on a loaded 2-core
 * machine for linear code; a ratio does not care how fast the machine is.
 *
 * With an input `factor` times larger, linear work costs about `factor`
 * times more and quadratic work about `factor²` times more. The caller's
 * bound sits between the two (for factor 8: linear 8, quadratic 64).
 */

/** Least CPU time (user + system, in ms) of `runs` calls, after one warm-up call so JIT compilation is not counted. */
export function leastCpuMs(work: () => unknown, runs = 3): number {
  work();
  let least = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = process.cpuUsage();
    work();
    const spent = process.cpuUsage(started);
    least = Math.min(least, (spent.user + spent.system) / 1000);
  }
  return least;
}

/**
 * CPU time of `work(build(size * factor))` divided by that of
 * `work(build(size))`.
 *
 * @throws when the small input takes under 2 ms: timer resolution and fixed
 * costs would then dominate and flatten the ratio, so a quadratic cost
 * could pass. Choose a larger `size`.
 */
export function growthRatio<T>(build: (size: number) => T, work: (input: T) => unknown, size: number, factor = 8): number {
  const small = build(size);
  const large = build(size * factor);
  const smallMs = leastCpuMs(() => work(small));
  if (smallMs < 2) throw new Error(`The small input took ${smallMs.toFixed(2)} ms of CPU, too little to measure growth; choose a size above ${size}.`);
  const largeMs = leastCpuMs(() => work(large));
  return largeMs / smallMs;
}
