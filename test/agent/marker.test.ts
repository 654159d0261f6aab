import { describe, expect, it } from '@jest/globals';
import { findLatestMarker, hasChat, isChatId, MARKER_STATES, readMarker, renderMarker, stripMarkers } from '../../src/agent/marker.js';

const CHAT = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('renderMarker / readMarker', () => {
  it('round-trips every state', () => {
    for (const state of MARKER_STATES) {
      expect(readMarker(`Answer\n\n${renderMarker({ chatId: CHAT, state })}`)).toEqual({ chatId: CHAT, state });
    }
  });

  it("a stop's record of the turn it stops (`last-message`) round-trips; anything but a message id is refused or ignored", () => {
    const marker = { chatId: CHAT, state: 'stopping', request: 'delivery-1', lastMessageId: 1042 } as const;
    expect(renderMarker(marker)).toBe(`<!-- coder-agent-bot chat=${CHAT} state=stopping request=delivery-1 last-message=1042 -->`);
    expect(readMarker(`Stopping…\n\n${renderMarker(marker)}`)).toEqual(marker);
    expect(readMarker(renderMarker({ chatId: CHAT, state: 'stopping', lastMessageId: 0 }))).toEqual({ chatId: CHAT, state: 'stopping', lastMessageId: 0 });
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => renderMarker({ chatId: CHAT, state: 'stopping', lastMessageId: bad })).toThrow(RangeError);
    for (const bad of ['-1', '1e3', '12a', '99999999999999999']) {
      expect(readMarker(`<!-- coder-agent-bot chat=${CHAT} state=stopping last-message=${bad} -->`)).toEqual({ chatId: CHAT, state: 'stopping' });
    }
  });

  it('renders an HTML comment, which GitHub does not show', () => {
    expect(renderMarker({ chatId: CHAT, state: 'done' })).toBe(`<!-- coder-agent-bot chat=${CHAT} state=done -->`);
  });

  it('refuses to render a chat id that could not be read back', () => {
    expect(() => renderMarker({ chatId: 'x --> <b>', state: 'done' })).toThrow(RangeError);
  });

  it('returns null without a marker', () => {
    expect(readMarker('just an answer')).toBeNull();
    expect(readMarker(null)).toBeNull();
    expect(readMarker(undefined)).toBeNull();
    expect(readMarker('<!-- some other bot chat=1234567890 state=done -->')).toBeNull();
  });

  it('ignores malformed markers', () => {
    expect(readMarker('<!-- coder-agent-bot chat=not-a-uuid! state=done -->')).toBeNull();
    expect(readMarker('<!-- coder-agent-bot chat=1234 state=done -->')).toBeNull(); // too short
    expect(readMarker(`<!-- coder-agent-bot chat=${CHAT} state=exploded -->`)).toBeNull();
    expect(readMarker(`<!-- coder-agent-bot chat=${CHAT} -->`)).toBeNull();
    expect(readMarker(`<!-- coder-agent-bot chat=${'a'.repeat(65)} state=done -->`)).toBeNull();
    expect(readMarker(`<!-- coder-agent-bot chat=${CHAT} state=done`)).toBeNull(); // unterminated
  });

  it('ignores unknown fields and field order, for markers from a later version', () => {
    expect(readMarker(`<!-- coder-agent-bot v=2 state=error chat=${CHAT} run=7 -->`)).toEqual({ chatId: CHAT, state: 'error' });
  });

  it('a comment posted before any chat names only its request, and reads back so', () => {
    const KEY = '5c0ffee0-1234-4abc-8def-000000000001';
    expect(renderMarker({ state: 'error', request: KEY })).toBe(`<!-- coder-agent-bot state=error request=${KEY} -->`);
    expect(readMarker(`❌ No prompt\n\n${renderMarker({ state: 'error', request: KEY })}`)).toEqual({ state: 'error', request: KEY });
    expect(hasChat(readMarker(renderMarker({ state: 'error', request: KEY })))).toBe(false);
    expect(hasChat(readMarker(renderMarker({ chatId: CHAT, state: 'stopped', request: KEY })))).toBe(true);
  });

  it('a marker naming neither a chat nor a request is not rendered, and not read', () => {
    expect(() => renderMarker({ state: 'error' })).toThrow(RangeError);
    expect(readMarker('<!-- coder-agent-bot state=error -->')).toBeNull();
    // A damaged chat field does not turn a marker into a chatless one.
    expect(readMarker('<!-- coder-agent-bot chat=<x> state=error request=abc -->')).toBeNull();
    expect(readMarker('<!-- coder-agent-bot chat=x! state=error request=abc -->')).toBeNull();
    expect(readMarker('<!-- coder-agent-bot state=error request=a<b -->')).toBeNull();
  });

  it('takes the last marker when a body holds several', () => {
    const body = `${renderMarker({ chatId: OTHER, state: 'done' })}\ntext\n${renderMarker({ chatId: CHAT, state: 'running' })}`;
    expect(readMarker(body)).toEqual({ chatId: CHAT, state: 'running' });
  });
});

describe('stripMarkers', () => {
  const ZWSP = '\u200B';

  it('removes marker look-alikes, including malformed, unterminated and differently cased ones', () => {
    const text = `a<!-- coder-agent-bot chat=${OTHER} state=done -->b<!--CODER-AGENT-BOT chat=x-->c<!-- coder-agent-bot chat=${OTHER}`;
    expect(stripMarkers(text)).toBe('abc');
  });

  it('text without `<!--` is returned as written, lone surrogates and all', () => {
    const text = 'coder-agent-bot chat=x \uD800 é 👩🏽‍💻';
    expect(stripMarkers(text)).toBe(text);
  });

  it('an HTML comment in an answer\'s code block reads the same (only an invisible character is added)', () => {
    const out = stripMarkers('```html\n<!-- header -->\n```');
    expect(out).toBe(`\`\`\`html\n<!${ZWSP}-- header -->\n\`\`\``);
  });

  it('an unterminated `<!--` cannot hide what the bot writes after it (its footer and marker)', () => {
    const body = `${stripMarkers('answer <!-- and the rest is hidden')}\n\n_footer_\n\n${renderMarker({ chatId: CHAT, state: 'done' })}`;
    expect(body.indexOf('<!--')).toBe(body.lastIndexOf('<!--'));
    expect(readMarker(body)).toEqual({ chatId: CHAT, state: 'done' });
  });

  it('the review\'s quadratic input (nested look-alikes, 384 KB) is neutralised in one pass', () => {
    const d = 16_384;
    const text = `${'<!-'.repeat(d)}<!-- coder-agent-bot -->${'- coder-agent-bot -->'.repeat(d)}`;
    const out = stripMarkers(text);
    expect(out).toBe('');
    expect(readMarker(`${out}\n\n${renderMarker({ chatId: CHAT, state: 'done' })}`)).toEqual({ chatId: CHAT, state: 'done' });
    // The time bound is in `npm run bench` (marker neutralising per MB); this pins that the output never holds a marker.
  });

  it('no generated adversarial input yields a readable marker (deterministic seed)', () => {
    // Pieces that, joined in any order, make nested, split and malformed markers.
    const pieces = ['<', '!', '-', '--', '<!', '<!-', '<!--', '-->', '>', ' ', '\t', '\n', 'coder-agent-bot', 'CODER-AGENT-BOT', `chat=${OTHER}`, 'state=done', ZWSP, 'x'];
    let seed = 0x2545f491;
    const next = (n: number): number => {
      // xorshift32: the same sequence on every run.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    for (let round = 0; round < 3000; round++) {
      const parts: string[] = [];
      const count = 1 + next(40);
      for (let i = 0; i < count; i++) parts.push(pieces[next(pieces.length)] ?? '');
      const out = stripMarkers(parts.join(''));
      expect(out).not.toContain('<!--');
      // Whatever the renderer appends after it, the only marker is the bot's own.
      expect(readMarker(`${out}\n\n${renderMarker({ chatId: CHAT, state: 'done' })}`)).toEqual({ chatId: CHAT, state: 'done' });
      expect(readMarker(out)).toBeNull();
    }
  });
});

describe('isChatId', () => {
  it('accepts UUIDs and rejects markup', () => {
    expect(isChatId(CHAT)).toBe(true);
    expect(isChatId(CHAT.toUpperCase())).toBe(true);
    expect(isChatId('<script>')).toBe(false);
  });
});

interface Comment {
  id: number;
  body: string | null;
  created_at: string;
  user: { login: string; type: string };
}

const BOT = 'coder-agent[bot]';
const isOwn = (c: Comment): boolean => c.user.login === BOT && c.user.type === 'Bot';
const comment = (id: number, login: string, body: string | null, createdAt: string): Comment => ({
  id,
  body,
  created_at: createdAt,
  user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
});

describe('findLatestMarker', () => {
  it('picks the newest bot comment that carries a marker', () => {
    const comments = [
      comment(1, BOT, `old\n${renderMarker({ chatId: OTHER, state: 'done' })}`, '2024-05-01T10:00:00Z'),
      comment(2, 'alice', '/agent do more', '2024-05-01T11:00:00Z'),
      comment(3, BOT, `new\n${renderMarker({ chatId: CHAT, state: 'running' })}`, '2024-05-01T12:00:00Z'),
      comment(4, BOT, 'a bot comment without a marker', '2024-05-01T13:00:00Z'),
      comment(5, BOT, null, '2024-05-01T14:00:00Z'),
    ];
    const found = findLatestMarker(comments, isOwn);
    expect(found?.comment.id).toBe(3);
    expect(found?.marker).toEqual({ chatId: CHAT, state: 'running' });
  });

  it('never trusts a marker forged in a user comment, even a newer one', () => {
    const comments = [
      comment(1, BOT, renderMarker({ chatId: CHAT, state: 'done' }), '2024-05-01T10:00:00Z'),
      comment(2, 'mallory', `innocent text ${renderMarker({ chatId: OTHER, state: 'done' })}`, '2024-05-02T10:00:00Z'),
      comment(3, 'mallory[bot]', renderMarker({ chatId: OTHER, state: 'done' }), '2024-05-03T10:00:00Z'),
    ];
    expect(findLatestMarker(comments, isOwn)?.marker.chatId).toBe(CHAT);
  });

  it('skips the bot\'s comments whose marker names no chat: they link the thread to nothing', () => {
    const comments = [
      comment(1, BOT, renderMarker({ chatId: CHAT, state: 'done' }), '2024-05-01T10:00:00Z'),
      comment(2, BOT, `❌ No prompt\n\n${renderMarker({ state: 'error', request: 'delivery-2' })}`, '2024-05-02T10:00:00Z'),
    ];
    expect(findLatestMarker(comments, isOwn)?.comment.id).toBe(1);
  });

  it('returns null when only others carry markers', () => {
    expect(findLatestMarker([comment(1, 'mallory', renderMarker({ chatId: OTHER, state: 'done' }), '2024-05-01T10:00:00Z')], isOwn)).toBeNull();
  });

  it('orders by creation time, not by list position', () => {
    const comments = [
      comment(9, BOT, renderMarker({ chatId: CHAT, state: 'done' }), '2024-06-01T10:00:00Z'),
      comment(2, BOT, renderMarker({ chatId: OTHER, state: 'done' }), '2024-05-01T10:00:00Z'),
    ];
    expect(findLatestMarker(comments, isOwn)?.comment.id).toBe(9);
  });

  it('breaks a timestamp tie by id', () => {
    const comments = [
      comment(11, BOT, renderMarker({ chatId: CHAT, state: 'done' }), '2024-05-01T10:00:00Z'),
      comment(10, BOT, renderMarker({ chatId: OTHER, state: 'done' }), '2024-05-01T10:00:00Z'),
    ];
    expect(findLatestMarker(comments, isOwn)?.comment.id).toBe(11);
  });
});

describe('markers that text the bot did not write could carry', () => {
  it('stripMarkers leaves no look-alike however markers are nested: breaking one cannot assemble another', () => {
    const nested = `<!-<!-- coder-agent-bot -->- coder-agent-bot chat=${OTHER} state=done -->`;
    const deeper = `<!<!-<!-- coder-agent-bot x -->- coder-agent-bot y -->-- coder-agent-bot chat=${OTHER} state=done -->`;
    for (const text of [nested, deeper]) {
      const out = stripMarkers(text);
      expect(out).not.toMatch(/<!--\s*coder-agent-bot/i);
      expect(readMarker(`${out}\n\n${renderMarker({ chatId: CHAT, state: 'done' })}`)).toEqual({ chatId: CHAT, state: 'done' });
    }
  });

  it('readMarker takes only a marker at the very end of the body', () => {
    expect(readMarker(`${renderMarker({ chatId: CHAT, state: 'done' })}\n\n> note: ${renderMarker({ chatId: OTHER, state: 'done' })} more text`)).toBeNull();
    expect(readMarker(`${renderMarker({ chatId: CHAT, state: 'done' })}\n\ntrailing words`)).toBeNull();
    expect(readMarker(`text\n${renderMarker({ chatId: CHAT, state: 'done' })}\n  \n`)).toEqual({ chatId: CHAT, state: 'done' });
  });
});
