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

/** CPU time (user + system, in ms) of one call of `work`. */
function cpuMs(work: () => unknown): number {
  const started = process.cpuUsage();
  work();
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / 1000;
}

/** Least CPU time (in ms) of `runs` calls, after one warm-up call so JIT compilation is not counted. */
export function leastCpuMs(work: () => unknown, runs = 3): number {
  work();
  let least = Infinity;
  for (let run = 0; run < runs; run++) least = Math.min(least, cpuMs(work));
  return least;
}

/** Runs of each input in growthRatio: the least of several hides a garbage collection or a busy moment in one. */
const RUNS = 5;

/**
 * CPU time of `work(build(n * factor))` divided by that of `work(build(n))`,
 * where `n` starts at `size` and doubles (at most 10 times) until the small
 * input takes at least 2 ms of CPU: below that, timer resolution and fixed
 * costs dominate and flatten the ratio, so a quadratic cost could pass. A
 * fast, idle machine thus measures larger inputs instead of failing.
 *
 * The two inputs are run in turn, `RUNS` times each, and the least time of
 * each is taken, so that a busy spell on a shared machine (process CPU time
 * counts the garbage collector's threads too) falls on both rather than on
 * the large input's runs alone: measured one after the other, a linear
 * masking once gave 40 under a parallel test run, and 5 to 9 alone.
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
  work(large);
  let largeMs = Infinity;
  for (let run = 0; run < RUNS; run++) {
    smallMs = Math.min(smallMs, cpuMs(() => work(small)));
    largeMs = Math.min(largeMs, cpuMs(() => work(large)));
  }
  return largeMs / smallMs;
}
