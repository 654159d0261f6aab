import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstanceIdError, resolveInstanceId } from '../../src/app/instance-id.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'instance-id-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the instance id', () => {
  it('is INSTANCE_ID when set, and refuses one that could not be a lease owner', () => {
    expect(resolveInstanceId({ INSTANCE_ID: ' bot-0 ' }, `sqlite:${join(dir, 'jobs.db')}`)).toBe('bot-0');
    expect(() => resolveInstanceId({ INSTANCE_ID: 'two words' }, 'postgres://db/bot')).toThrow(InstanceIdError);
  });

  it('with SQLite, is made once and kept next to the database file, so a restart keeps it', () => {
    const url = `sqlite:${join(dir, 'data', 'jobs.db')}`;
    const first = resolveInstanceId({}, url);
    expect(first).toMatch(/^sqlite-[0-9a-f-]{36}$/);
    expect(readFileSync(join(dir, 'data', 'jobs.db.instance-id'), 'utf8').trim()).toBe(first);
    expect(resolveInstanceId({ HOSTNAME: 'ignored' }, url)).toBe(first);
    expect(resolveInstanceId({}, `sqlite:${join(dir, 'other.db')}`)).not.toBe(first);
  });

  it('with Postgres, is the pod or container name (HOSTNAME)', () => {
    expect(resolveInstanceId({ HOSTNAME: 'coder-agent-bot-7d9f-xk2p' }, 'postgres://bot:pw@db/bot')).toBe('coder-agent-bot-7d9f-xk2p');
  });
});
