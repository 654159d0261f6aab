/** Fault injection: canned replies, connection resets, refused and dropped streams. */
import type { FaultReply, RequestMatch } from './types.js';

export type FaultAction = { kind: 'reply'; reply: FaultReply } | { kind: 'destroy' };

interface Rule {
  match: RequestMatch;
  action: FaultAction;
  remaining: number;
}

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return path.includes(match.path);
  match.path.lastIndex = 0;
  return match.path.test(path);
}

export class Faults {
  private rules: Rule[] = [];
  private drops: Array<{ frames: number; remaining: number }> = [];
  private refusals = 0;

  add(match: RequestMatch, action: FaultAction, times: number): void {
    if (times > 0) this.rules.push({ match, action, remaining: times });
  }

  /** The first armed rule matching this request, consumed once. */
  take(method: string, path: string): FaultAction | undefined {
    const rule = this.rules.find((r) => matches(r.match, method, path));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.action;
  }

  dropStreams(frames: number, times: number): void {
    if (times > 0) this.drops.push({ frames, remaining: times });
  }

  /** Frames after which the next stream connection is cut, if armed. */
  takeDrop(): number | undefined {
    const drop = this.drops[0];
    if (!drop) return undefined;
    drop.remaining -= 1;
    if (drop.remaining <= 0) this.drops.shift();
    return drop.frames;
  }

  refuseStreams(times: number): void {
    this.refusals += times;
  }

  takeRefusal(): boolean {
    if (this.refusals <= 0) return false;
    this.refusals -= 1;
    return true;
  }

  clear(): void {
    this.rules = [];
    this.drops = [];
    this.refusals = 0;
  }
}
