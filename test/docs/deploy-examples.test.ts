/**
 * The deployment examples in docs/ parse, and still say what the App needs:
 * two replicas on PostgreSQL, each with its own INSTANCE_ID, a health check
 * on /healthz, and more time to stop than the App takes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { STOP_LIMIT_MS } from '../../src/app/worker-host.js';

const EXAMPLES = 'docs/examples';
const STOP_LIMIT_S = STOP_LIMIT_MS / 1000;

type Json = Record<string, unknown>;

/** Parses YAML as strictly as Compose and kubectl do: any error or warning fails. */
function parseStrict(text: string, where: string): Json[] {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${where}: not YAML documents`);
  for (const d of docs) {
    const problems = [...d.errors, ...d.warnings].map((e) => e.message);
    expect({ where, problems }).toEqual({ where, problems: [] });
  }
  return docs.map((d) => d.toJS() as Json);
}

/** Names of the environment the App reads (settings.ts), plus those the issue adds and Probot's logger reads. */
function knownEnv(): Set<string> {
  const source = readFileSync('src/app/settings.ts', 'utf8');
  const names = [...source.matchAll(/env\['([A-Z_]+)'\]|need\('([A-Z_]+)'|positiveInt\(env, '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return new Set([...names.filter((n): n is string => Boolean(n)), 'INSTANCE_ID', 'LOG_LEVEL', 'LOG_FORMAT']);
}

function seconds(duration: unknown): number {
  const m = /^(\d+)s$/.exec(String(duration));
  if (!m) throw new Error(`not a duration in seconds: ${String(duration)}`);
  return Number(m[1]);
}

describe('docs/examples/compose.yml', () => {
  const file = join(EXAMPLES, 'compose.yml');
  let compose: Json;
  let services: Record<string, Json>;
  let apps: [string, Json][];
  beforeAll(() => {
    [compose] = parseStrict(readFileSync(file, 'utf8'), file) as [Json];
    services = compose['services'] as Record<string, Json>;
    apps = Object.entries(services).filter(([, s]) => (s['environment'] as Json | undefined)?.['INSTANCE_ID'] !== undefined);
  });

  it('runs two App replicas from this repository\'s Dockerfile, each with its own INSTANCE_ID, on PostgreSQL', () => {
    expect(apps.map(([name]) => name)).toEqual(['app-1', 'app-2']);
    const ids = apps.map(([, s]) => (s['environment'] as Json)['INSTANCE_ID']);
    expect(new Set(ids).size).toBe(2);
    const known = knownEnv();
    for (const [, s] of apps) {
      expect(existsSync(join(resolve(dirname(file), String(s['build'])), 'Dockerfile'))).toBe(true);
      const env = s['environment'] as Json;
      expect(String(env['DATABASE_URL'])).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(env['LOG_FORMAT']).toBe('json');
      for (const name of Object.keys(env)) expect({ name, known: known.has(name) }).toEqual({ name, known: true });
      expect(seconds(s['stop_grace_period'])).toBeGreaterThan(STOP_LIMIT_S);
      expect(s['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
    }
  });

  it('has PostgreSQL with a health check, and a load balancer over both replicas that checks /healthz', () => {
    expect(String(services['postgres']?.['image'])).toMatch(/^postgres:\d+/);
    expect((services['postgres']?.['healthcheck'] as Json)['test']).toEqual(expect.arrayContaining([expect.stringContaining('pg_isready')]));
    const configs = compose['configs'] as Record<string, { content: string }>;
    const lb = services['lb'] as Json;
    const source = (lb['configs'] as { source: string }[])[0]?.source ?? '';
    const caddyfile = configs[source]?.content ?? '';
    expect(caddyfile).toMatch(/reverse_proxy app-1:3000 app-2:3000/);
    expect(caddyfile).toMatch(/health_uri \/healthz/);
  });
});

describe('docs/examples/kubernetes.yml', () => {
  const file = join(EXAMPLES, 'kubernetes.yml');
  let docs: Json[];
  let spec: Json;
  let pod: Json;
  let podLabels: Json;
  let container: Json;
  const byKind = (kind: string) => docs.find((d) => d['kind'] === kind) as Json;
  beforeAll(() => {
    docs = parseStrict(readFileSync(file, 'utf8'), file);
    spec = byKind('Deployment')['spec'] as Json;
    pod = (spec['template'] as Json)['spec'] as Json;
    podLabels = ((spec['template'] as Json)['metadata'] as Json)['labels'] as Json;
    container = (pod['containers'] as Json[])[0] as Json;
  });

  it('has a Deployment of two replicas whose INSTANCE_ID is the pod name (downward API)', () => {
    expect(docs.map((d) => d['kind'])).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    expect(spec['replicas']).toBe(2);
    const env = container['env'] as { name: string; value?: string; valueFrom?: Json }[];
    expect(env.find((e) => e.name === 'INSTANCE_ID')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    const known = knownEnv();
    for (const e of env) expect({ name: e.name, known: known.has(e.name) }).toEqual({ name: e.name, known: true });
  });

  it('gives each pod longer to stop than the App takes, and a readiness probe on /healthz', () => {
    const preStop = (((container['lifecycle'] as Json)['preStop'] as Json)['exec'] as { command: string[] }).command;
    const preStopS = Number(preStop[1]);
    expect(preStop[0]).toBe('sleep');
    expect(pod['terminationGracePeriodSeconds']).toBeGreaterThan(preStopS + STOP_LIMIT_S);
    const readiness = (container['readinessProbe'] as Json)['httpGet'] as Json;
    expect(readiness['path']).toBe('/healthz');
    const ports = container['ports'] as { name: string; containerPort: number }[];
    expect(ports.map((p) => p.name)).toContain(readiness['port']);
    const port = (container['env'] as { name: string; value?: string }[]).find((e) => e.name === 'PORT')?.value;
    expect(ports.find((p) => p.name === readiness['port'])?.containerPort).toBe(Number(port));
  });

  it('has a Service and a PodDisruptionBudget that select the Deployment\'s pods, keeping one up', () => {
    const service = byKind('Service')['spec'] as Json;
    const pdb = byKind('PodDisruptionBudget')['spec'] as Json;
    for (const [k, v] of Object.entries(service['selector'] as Json)) expect(podLabels[k]).toBe(v);
    for (const [k, v] of Object.entries((pdb['selector'] as Json)['matchLabels'] as Json)) expect(podLabels[k]).toBe(v);
    expect((service['ports'] as Json[])[0]?.['targetPort']).toBe('http');
    expect(pdb['minAvailable']).toBe(1);
    expect(pdb['minAvailable']).toBeLessThan(spec['replicas'] as number);
  });
});

describe('docs/deploy.md', () => {
  it('has only YAML blocks that parse', () => {
    const text = readFileSync('docs/deploy.md', 'utf8');
    const blocks = [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThan(0);
    for (const [i, block] of blocks.entries()) {
      const doc = parseDocument(block, { uniqueKeys: true });
      expect({ block: i, errors: doc.errors.map((e) => e.message) }).toEqual({ block: i, errors: [] });
    }
  });
});
