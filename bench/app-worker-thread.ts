/**
 * The App's job worker thread as the bench runs it: the real one
 * (src/app/worker-thread.ts), which also collects its garbage before it
 * answers a metrics request (the server process runs with --expose-gc), so
 * the heap it reports is what is live. The bench asks only when it wants
 * that figure (`stats({ gc: true })`), so the worker's memory is otherwise
 * left to V8 as in production.
 */
import { parentPort } from 'node:worker_threads';

// Registered before the worker's own handler, so it runs first.
parentPort?.on('message', (m: { type?: string }) => {
  if (m.type === 'metrics') (globalThis as { gc?: () => void }).gc?.();
});
await import('../src/app/worker-thread.js');
