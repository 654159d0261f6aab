import { describe, expect, it } from '@jest/globals';
import { cleanLog, tailBytes } from '../../src/agent/ci-feedback.js';
import { readMarker, renderMarker } from '../../src/agent/marker.js';

describe('log tails', () => {
  it('keeps the last bytes, from a line start, never splitting a UTF-8 character', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i} ✓`).join('\n');
    const tail = tailBytes(log, 64);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(64);
    expect(tail.endsWith('line 99 ✓')).toBe(true);
    expect(tail.startsWith('line ')).toBe(true);
    expect(tail).not.toContain('\uFFFD');
    expect(tailBytes('short', 64)).toBe('short');
  });

  it('drops the runner’s timestamps and colour codes', () => {
    expect(cleanLog('2024-05-01T10:00:00.1234567Z \u001b[31mError\u001b[0m: boom\r\n2024-05-01T10:00:01.0000000Z done')).toBe('Error: boom\ndone');
  });
});

describe('the CI-run marker field', () => {
  it('round-trips and refuses anything but <run id>.<attempt>', () => {
    const chatId = '3f2b7c1e-8a4d-4e6f-9b0a-1c2d3e4f5a6b';
    const body = `CI failed.\n\n${renderMarker({ chatId, state: 'running', ciRun: '289782451.2' })}`;
    expect(readMarker(body)).toEqual({ chatId, state: 'running', ciRun: '289782451.2' });
    expect(readMarker(`<!-- coder-agent-bot chat=${chatId} state=running ci-run=1;rm -->`)).toEqual({ chatId, state: 'running' });
    expect(() => renderMarker({ chatId, state: 'running', ciRun: '12 -->' })).toThrow(RangeError);
  });
});
