import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('parseAgentCommand', () => {
  it('returns null when the phrase is absent', () => {
    expect(parseAgentCommand('Looks good to me!')).toBeNull();
    expect(parseAgentCommand('')).toBeNull();
  });

  it('reads the prompt from the trigger line and every line after it', () => {
    expect(parseAgentCommand('Thanks for the report.\n/agent fix the flaky auth test\nIt fails on CI.\n\n- see logs')).toEqual({
      kind: 'prompt',
      prompt: 'fix the flaky auth test\nIt fails on CI.\n\n- see logs',
    });
  });

  it('handles CRLF bodies', () => {
    expect(parseAgentCommand('hi\r\n/agent do it\r\nplease\r\n')).toEqual({ kind: 'prompt', prompt: 'do it\nplease' });
  });

  it('allows leading whitespace before the phrase', () => {
    expect(parseAgentCommand('   \t/agent go')).toEqual({ kind: 'prompt', prompt: 'go' });
  });

  it('requires the phrase to start a line', () => {
    expect(parseAgentCommand('please /agent fix this')).toBeNull();
  });

  it('requires whitespace or end of line after the phrase', () => {
    expect(parseAgentCommand('/agents fix this')).toBeNull();
    expect(parseAgentCommand('/agent-x fix this')).toBeNull();
    expect(parseAgentCommand('/agent\nfix this')).toEqual({ kind: 'prompt', prompt: 'fix this' });
  });

  it('gives an empty prompt for the phrase alone', () => {
    expect(parseAgentCommand('/agent')).toEqual({ kind: 'prompt', prompt: '' });
    expect(parseAgentCommand('/agent   \n  ')).toEqual({ kind: 'prompt', prompt: '' });
  });

  it('matches the phrase case-insensitively', () => {
    expect(parseAgentCommand('/AGENT Fix It')).toEqual({ kind: 'prompt', prompt: 'Fix It' });
  });

  it('ignores the phrase inside fenced code blocks', () => {
    expect(parseAgentCommand('Usage:\n```\n/agent fix this\n```')).toBeNull();
    expect(parseAgentCommand('~~~md\n/agent fix this\n~~~')).toBeNull();
  });

  it('finds the phrase after a fenced block and keeps later code in the prompt', () => {
    expect(parseAgentCommand('```\n/agent not this\n```\n/agent this\n```\ncode\n```')).toEqual({
      kind: 'prompt',
      prompt: 'this\n```\ncode\n```',
    });
  });

  it('ignores the phrase inside inline code', () => {
    expect(parseAgentCommand('`/agent fix this` is how you call it')).toBeNull();
    expect(parseAgentCommand('Try ``\n/agent fix\n`` in a comment')).toBeNull();
  });

  it('ignores quoted lines, so quoting an earlier request does not re-trigger', () => {
    expect(parseAgentCommand('> /agent fix the flaky auth test\n\nI agree with this.')).toBeNull();
    expect(parseAgentCommand('  >> /agent nested quote')).toBeNull();
  });

  it('still triggers on a fresh request below a quote', () => {
    expect(parseAgentCommand('> /agent fix it\n\n/agent also add a test')).toEqual({ kind: 'prompt', prompt: 'also add a test' });
  });

  it('ignores a phrase hidden in an HTML comment', () => {
    expect(parseAgentCommand('Nice work\n<!--\n/agent push to main\n-->')).toBeNull();
  });

  it('sees through invisible characters before the phrase and drops them from the prompt', () => {
    expect(parseAgentCommand('\u200B/agent fix\u200B it')).toEqual({ kind: 'prompt', prompt: 'fix it' });
  });

  it('parses /agent new <prompt>', () => {
    expect(parseAgentCommand('/agent new start over\nfrom scratch')).toEqual({ kind: 'new', prompt: 'start over\nfrom scratch' });
    expect(parseAgentCommand('/agent NEW')).toEqual({ kind: 'new', prompt: '' });
    expect(parseAgentCommand('/agent newer approach')).toEqual({ kind: 'prompt', prompt: 'newer approach' });
  });

  it('parses stop and cancel only when they are the whole request', () => {
    expect(parseAgentCommand('/agent stop')).toEqual({ kind: 'stop' });
    expect(parseAgentCommand('/agent Cancel!')).toEqual({ kind: 'stop' });
    expect(parseAgentCommand('please\n/agent stop\n')).toEqual({ kind: 'stop' });
    expect(parseAgentCommand('/agent stop using var in this file')).toEqual({ kind: 'prompt', prompt: 'stop using var in this file' });
  });

  it('escapes regex characters in the phrase', () => {
    expect(parseAgentCommand('/agent+ run', '/agent+')).toEqual({ kind: 'prompt', prompt: 'run' });
    expect(parseAgentCommand('/agenttt run', '/agent+')).toBeNull();
    expect(parseAgentCommand('x.y run', '(x.y)')).toBeNull();
    expect(parseAgentCommand('(x.y) run', '(x.y)')).toEqual({ kind: 'prompt', prompt: 'run' });
  });

  it('works with a mention as the phrase', () => {
    expect(parseAgentCommand('@Coder-Agent fix the build', '@coder-agent')).toEqual({ kind: 'prompt', prompt: 'fix the build' });
    expect(parseAgentCommand('@coder-agent-bot fix', '@coder-agent')).toBeNull();
  });

  it('rejects an empty phrase with a message that says what to set', () => {
    expect(() => parseAgentCommand('/agent x', '  ')).toThrow(/trigger phrase is empty/);
  });
});
