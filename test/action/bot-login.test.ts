import { describe, expect, it } from '@jest/globals';
import { BotLoginError, resolveBotLogin, WORKFLOW_BOT } from '../../src/action/bot-login.js';

const failing = () => Promise.reject(new Error('403 Resource not accessible by integration'));

describe('resolveBotLogin', () => {
  it('never guesses a login for a run that reads a thread', async () => {
    await expect(resolveBotLogin({ override: undefined, meetsComments: true, whoAmI: failing })).rejects.toBeInstanceOf(BotLoginError);
    await expect(resolveBotLogin({ override: undefined, meetsComments: true, whoAmI: failing })).rejects.toThrow(/set the bot-login input/);
  });

  it('takes GitHub\'s answer, and the override before asking', async () => {
    expect(await resolveBotLogin({ override: undefined, meetsComments: true, whoAmI: () => Promise.resolve('coder-agent[bot]') })).toBe('coder-agent[bot]');
    expect(await resolveBotLogin({ override: 'mine[bot]', meetsComments: true, whoAmI: failing })).toBe('mine[bot]');
  });

  it('a run without a thread needs no login and does not ask', async () => {
    let asked = false;
    const whoAmI = () => {
      asked = true;
      return failing();
    };
    expect(await resolveBotLogin({ override: undefined, meetsComments: false, whoAmI })).toBe(WORKFLOW_BOT);
    expect(asked).toBe(false);
  });
});
