// One life of the App's job worker as a process of its own (the sources through
// tsx), started by test/app/crash-points.ts. Like the App at start, it claims its
// instance name, takes back the jobs its previous life held, and works the
// store. With a crash point it SIGKILLs itself right after that call to
// Coder, GitHub or the store returned, before anything else is recorded.
//   argv[2]: JSON { config: WorkerConfig, crash?: { target, method, argsInclude? } }
import { register } from 'tsx/esm/api';

register();
const { startWorker } = await import('../../src/app/worker-thread.ts');
const { openJobStore } = await import('../../src/app/store/open-store.ts');

const { config, crash } = JSON.parse(process.argv[2]);

const killAfter = (target) => (object) =>
  new Proxy(object, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== 'function') return value;
      if (crash?.target !== target || crash.method !== prop) return value.bind(t);
      return async (...args) => {
        const result = await value.apply(t, args);
        if (!crash.argsInclude || JSON.stringify(args).includes(crash.argsInclude)) {
          process.stdout.write(`crash after ${target}.${String(prop)}\n`);
          process.kill(process.pid, 'SIGKILL');
          await new Promise(() => undefined);
        }
        return result;
      };
    },
  });

const store = await openJobStore(config.settings.databaseUrl);
await store.lockInstance(config.owner);
await store.releaseAll(config.owner);
await startWorker(config, () => undefined, { coder: killAfter('coder'), github: killAfter('github'), store: killAfter('store') });
process.stdout.write('ready\n');
