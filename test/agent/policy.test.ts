import { describe, expect, it } from '@jest/globals';
import { actorsOf, decideTrigger } from '../../src/agent/policy.js';
import { parseTrigger } from '../../src/agent/trigger.js';
import type { GitHubPort, Permission } from '../../src/github/port.js';
import { webhookExample } from '../helpers/webhook-examples.js';

const BOT = 'coder-agent[bot]';
const user = (login: string, type = 'User') => ({ login, id: login.length, type });

/** A GitHub port that only answers the permission API, from a table, and records who was asked about. */
function permissions(table: Record<string, Permission>) {
  const asked: string[] = [];
  const port = { getPermission: async (_o: string, _r: string, login: string) => (asked.push(login), table[login] ?? 'none') } as unknown as GitHubPort;
  return { port, asked };
}

function labeled(label: string, sender: ReturnType<typeof user>, author = user('maintainer')) {
  const payload = webhookExample('issues', 'labeled');
  Object.assign(payload['issue'] as object, { body: '/agent delete the release branch', user: author });
  payload['label'] = { name: label };
  payload['sender'] = sender;
  return parseTrigger('issues', payload);
}

function comment(login: string, type = 'User') {
  const payload = webhookExample('issue_comment', 'created');
  Object.assign(payload['comment'] as object, { body: '/agent go', user: user(login, type) });
  payload['sender'] = user(login, type);
  return parseTrigger('issue_comment', payload);
}

const settings = (allowedBots: string[] = []) => ({ botLogin: BOT, allowedBots });

describe('decideTrigger: the person whose action caused the event must be a writer (issue 8, kind 2)', () => {
  it('a triage user labelling a writer\'s issue is refused: the labeller is asked, not the author', async () => {
    const { port, asked } = permissions({ maintainer: 'write', triager: 'triage' });
    const decision = await decideTrigger(labeled('agent', user('triager')), settings(), port);
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining('@triager has "triage" permission') });
    expect(asked).toEqual(['triager']);
  });

  it('a writer labelling an outsider\'s issue is allowed', async () => {
    const { port } = permissions({ maintainer: 'maintain' });
    expect(await decideTrigger(labeled('agent', user('maintainer'), user('outsider')), settings(), port)).toEqual({ allowed: true, via: 'permission' });
  });

  it('a bot adding a label is refused unless listed', async () => {
    const { port, asked } = permissions({});
    expect(await decideTrigger(labeled('agent', user('triage-bot[bot]', 'Bot')), settings(), port)).toMatchObject({ allowed: false, quiet: true });
    expect(await decideTrigger(labeled('agent', user('triage-bot[bot]', 'Bot')), settings(['triage-bot[bot]']), port)).toEqual({ allowed: true, via: 'allowed-bot' });
    expect(asked).toEqual([]);
  });

  it('the editor of an issue, the assigner, and the opener are the sender', () => {
    const edited = webhookExample('issues', 'opened', (p) => typeof (p['issue'] as { body: unknown }).body === 'string');
    edited['action'] = 'edited';
    Object.assign(edited['issue'] as object, { user: user('maintainer') });
    edited['sender'] = user('drive-by');
    expect(actorsOf(parseTrigger('issues', edited)).map((a) => a.login)).toEqual(['drive-by']);
    const assigned = { ...edited, action: 'assigned', sender: user('assigner') };
    expect(actorsOf(parseTrigger('issues', assigned)).map((a) => a.login)).toEqual(['assigner']);
  });

  it('a comment asks about its author, who is the sender; were they to differ, both must be writers', async () => {
    expect(actorsOf(comment('maintainer')).map((a) => a.login)).toEqual(['maintainer']);
    const odd = { ...comment('maintainer'), sender: { login: 'reader', id: 9, type: 'User' as const } };
    const { port } = permissions({ maintainer: 'write', reader: 'read' });
    expect(await decideTrigger(odd, settings(), port)).toMatchObject({ allowed: false, reason: expect.stringContaining('@reader') });
  });
});

describe('decideTrigger: the bot never answers itself (issue 8, kind 7b)', () => {
  it('whether allowed-bots is * or names the bot, with or without [bot]', async () => {
    const { port, asked } = permissions({});
    for (const allowed of [['*'], [BOT], ['coder-agent'], ['CODER-AGENT[BOT]']]) {
      const decision = await decideTrigger(comment(BOT, 'Bot'), settings(allowed), port);
      expect(decision).toMatchObject({ allowed: false, quiet: true, reason: expect.stringContaining('never answers itself') });
    }
    expect(asked).toEqual([]);
  });

  it('a person whose login is the App\'s slug (without [bot]) is not the bot: their permission decides', async () => {
    const { port, asked } = permissions({ 'coder-agent': 'write' });
    expect(await decideTrigger(comment('coder-agent', 'User'), settings(['*']), port)).toMatchObject({ allowed: true, via: 'permission' });
    expect(asked).toEqual(['coder-agent']);
    const readOnly = permissions({ 'coder-agent': 'read' });
    expect(await decideTrigger(comment('coder-agent', 'User'), settings([]), readOnly.port)).toMatchObject({ allowed: false, quiet: false });
  });

  it('a bot-login given without [bot] still names the App\'s bot account', async () => {
    const { port } = permissions({});
    expect(await decideTrigger(comment(BOT, 'Bot'), { ...settings(['*']), botLogin: 'coder-agent' }, port)).toMatchObject({ allowed: false, quiet: true });
  });

  it('also when the bot is the labeller', async () => {
    const { port } = permissions({});
    expect(await decideTrigger(labeled('agent', user(BOT, 'Bot')), settings(['*']), port)).toMatchObject({ allowed: false, quiet: true });
  });
});
