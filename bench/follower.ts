/**
 * Stream follower figures (issue: Coder Chats client and follower):
 *  1. frames per second parsed and folded, beside bare JSON.parse of the same frames (goal ≥ 0.5×);
 *  2. heap per followed chat with 1,000 chats followed at once on the fake server (goal < 30 KB).
 * Both on the v2.38 framing (bare arrays, parts with history_version/generation_attempt/seq).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CoderClient } from '../src/coder/client.js';
import { followChat } from '../src/coder/follow.js';
import { parseFrame } from '../src/coder/stream-events.js';
import { TurnState } from '../src/coder/turn-state.js';
import type { BenchRow } from './report.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function makeFrames(count: number): string[] {
  const chatId = '5b0e7f0e-9d7c-4a52-8f38-2b7a4c1d9e01';
  const words = 'the agent reads the failing test and patches the flaky retry loop '.split(' ');
  const frames: string[] = [];
  for (let i = 0; i < count; i++) {
    // Current Coder (v2.37+): one bare array of events per frame; every part carries its history
    // version, generation attempt and sequence number (codersdk.ChatStreamMessagePart).
    const delta = (ev: number) => ({
      type: 'message_part',
      chat_id: chatId,
      message_part: { role: 'assistant', part: { type: 'text', text: `${words[(i + ev) % words.length]} ` }, history_version: 4, generation_attempt: 1, seq: i * 3 + ev + 1 },
    });
    const batch: unknown[] = [delta(0), delta(1), delta(2)];
    if (i % 50 === 0) batch.push({ type: 'status', chat_id: chatId, status: { status: 'running' } });
    frames.push(JSON.stringify(batch));
  }
  return frames;
}

function rate(run: () => void, frames: number): number {
  run(); // warm up
  const best: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    run();
    best.push(frames / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  return Math.max(...best);
}

export async function benchFollowerParse(): Promise<BenchRow[]> {
  const frames = makeFrames(50_000);
  let sink = 0;
  const bare = rate(() => {
    for (const f of frames) sink += (JSON.parse(f) as unknown[]).length;
  }, frames.length);
  const folded = rate(() => {
    const state = new TurnState(0, {}, () => undefined);
    for (const f of frames) {
      const r = parseFrame(f);
      if (r.kind === 'events') for (const ev of r.events) state.apply(ev);
      // Keep the live text bounded as a persisted message would.
      if (state.liveText.length > 100_000) state.resetLive();
    }
    sink += state.liveText.length;
  }, frames.length);
  if (sink < 0) console.log(sink);
  return [
    { name: 'stream frames/s, bare JSON.parse (bound)', value: Math.round(bare), unit: 'frames/s' },
    { name: 'stream frames/s, parsed + folded', value: Math.round(folded), unit: 'frames/s', goal: `≥ ${Math.round(bare / 2)} (half the bound)`, ok: folded >= bare / 2 },
  ];
}

export async function benchFollowerHeap(chats = 1000): Promise<BenchRow[]> {
  // Chats hold their turn open for 10 s, so the heap is measured while all of them are still followed
  // (on a busy machine connecting 1,000 sockets takes seconds), not while some are already finishing.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-coder-process.ts'], { env: { ...process.env, HOLD_MS: '10000' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  const url = first.toString().trim().split('\n')[0] ?? '';
  try {
    const client = new CoderClient({ url, token: 'test-token' });
    const ids: string[] = [];
    for (let i = 0; i < chats; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, chats - i) }, (_, j) => client.createChat({ content: [{ type: 'text', text: `chat ${i + j}` }] })));
      ids.push(...batch.map((c) => c.id));
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let running = 0;
    const seen = new Set<string>();
    const outcomes = Promise.all(
      ids.map((chatId) =>
        followChat(client, {
          chatId,
          onProgress: (p) => {
            if (p.kind === 'text' && !seen.has(chatId)) {
              seen.add(chatId);
              running++;
            }
          },
        }),
      ),
    );
    const deadline = Date.now() + 20_000;
    while (running < chats && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    gc();
    const during = process.memoryUsage().heapUsed;
    const results = await outcomes;
    const correct = results.filter((o) => o.status === 'completed' && o.result === 'Working on it. Done: the change is ready.').length;
    const perChat = (during - before) / chats;
    return [
      { name: `chats followed at once (answers correct)`, value: correct, unit: `of ${chats}`, ok: correct === chats },
      { name: 'heap per followed chat', value: Math.round(perChat / 102.4) / 10, unit: 'KB', goal: '< 30 KB', ok: perChat < 30 * 1024 },
    ];
  } finally {
    child.kill('SIGTERM');
  }
}
