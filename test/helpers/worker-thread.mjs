// Jest runs the App from its TypeScript sources, but a worker thread is plain
// Node: this entry lets the App's job worker thread (src/app/worker-thread.ts)
// load them through tsx. Production runs the compiled lib/app/worker-thread.js.
import { register } from 'tsx/esm/api';

register();
await import('../../src/app/worker-thread.ts');
