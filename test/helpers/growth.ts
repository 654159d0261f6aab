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
 * CPU time of `work(build(n * factor))` divided by that of `work(build(n))`,
 * where `n` starts at `size` and doubles (at most 10 times) until the small
 * input takes at least 2 ms of CPU: below that, timer resolution and fixed
 * costs dominate and flatten the ratio, so a quadratic cost could pass. A
 * fast, idle machine thus measures larger inputs instead of failing.
 *
 * @throws when even 1,024 × `size` takes under 2 ms: choose a larger `size`.
 */
export function growthRatio<T>(build: (size: number) => T, work: (input: T) => unknown, size: number, factor = 8): number {
  let n = size;
  let small = build(n);
  let smallMs = leastCpuMs(() => work(small));
  for (let doubling = 0; smallMs < 2 && doubling < 10; doubling++) {
    n *= 2;
    small = build(n);
    smallMs = leastCpuMs(() => work(small));
  }
  if (smallMs < 2) throw new Error(`The input of size ${n} took ${smallMs.toFixed(2)} ms of CPU, too little to measure growth; choose a size above ${size}.`);
  const large = build(n * factor);
  const largeMs = leastCpuMs(() => work(large));
  return largeMs / smallMs;
}
