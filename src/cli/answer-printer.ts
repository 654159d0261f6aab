/**
 * How `coder-agent` prints an agent's answer while following a turn.
 *
 * - stdout not a TTY (piped, redirected, CI): only persisted assistant
 *   messages are printed, whole. Streamed text can still be voided by the
 *   server (`preview_reset` after a failed generation attempt, Coder v2.37+),
 *   so a file never receives any of it.
 * - stdout a TTY: deltas stream as they come; when the live text is voided,
 *   or the persisted message differs from what was shown, the current
 *   message is erased and redrawn (ANSI cursor-up and erase-below).
 * - Messages are separated by one blank line. Status lines go to stderr on
 *   their own lines: on a terminal shared with stdout, a status line that
 *   arrives mid-sentence first ends the visual line.
 */
import type { FollowProgress } from '../coder/follow.js';

export interface TextSink {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Terminal width in columns (TTY only); 0 or absent when unknown. */
  columns?: number;
}

/** ESC [ n A: cursor up n rows; ESC [ J: erase from the cursor to the end of the screen. */
const cursorUp = (n: number) => (n > 0 ? `\u001b[${n}A` : '');
const ERASE_BELOW = '\u001b[J';

export class AnswerPrinter {
  private readonly tty: boolean;
  /** Whether any assistant text reached stdout. */
  printedText = false;
  /** stdout's cursor is not at the start of a line. */
  private midLine = false;
  /** Streaming a message whose text is not persisted yet (TTY). */
  private inMessage = false;
  /** What is on screen since the current message started: its text, and status lines shown among it. */
  private shown = '';
  private region = '';
  private regionStatus: string[] = [];
  /**
   * Persisted messages already printed, by id. After `history_reset` Coder
   * sends the whole history again (chatd streamLoop.messageEvents); a message
   * printed once is not printed twice. An edit is a new id (or new text).
   */
  private readonly printed = new Map<number, string>();

  constructor(
    private readonly stdout: TextSink,
    private readonly stderr: TextSink,
    private readonly quiet: boolean,
  ) {
    this.tty = stdout.isTTY === true;
  }

  /** Live text of the current message was voided by the server: take it off the screen. */
  voidLiveText(): void {
    if (this.tty && this.inMessage) this.redraw('');
  }

  /** A streamed text delta of the current assistant message. */
  delta(text: string): void {
    if (!this.tty || !text) return;
    if (!this.inMessage) this.startMessage();
    this.out(text);
    this.shown += text;
  }

  /** A persisted assistant message: final, cannot be voided. `id` (Coder's message id) keeps a re-sent message from printing twice. */
  message(text: string, id?: number): void {
    const body = text.replace(/\s+$/, '');
    if (id !== undefined) {
      // A re-sent message: the reset before it already took any live text off the screen.
      if (this.printed.get(id) === body) return;
      this.printed.set(id, body);
    }
    if (this.tty && this.inMessage) {
      // The screen must end up holding exactly the persisted text.
      if (this.shown.replace(/\s+$/, '') !== body) this.redraw(body);
      this.endMessage();
      return;
    }
    if (!body) return;
    this.startMessage();
    this.out(body);
    this.endMessage();
  }

  /** A progress or status line, to stderr on a line of its own. */
  status(line: string): void {
    if (this.quiet) return;
    this.statusAlways(line);
  }

  /** Like status(), even with --quiet: for outcomes (errors, timeouts). */
  statusAlways(line: string): void {
    const sharesScreen = this.tty && this.stderr.isTTY === true;
    const lead = this.midLine && sharesScreen ? '\n' : '';
    this.stderr.write(`${lead}${line}\n`);
    if (sharesScreen) {
      this.midLine = false;
      if (this.inMessage) {
        this.region += `${lead}${line}\n`;
        this.regionStatus.push(line);
      }
    }
  }

  /** Ends the answer with a newline when the last text left the line open. */
  finish(): void {
    if (this.midLine) this.stdout.write('\n');
    this.midLine = false;
    this.inMessage = false;
  }

  handle(p: FollowProgress): void {
    // Widened: the follower's `reset` event (preview_reset, history_reset) is newer than some of its types.
    const kind: string = p.kind;
    if (p.kind === 'text') this.delta(p.delta);
    else if (p.kind === 'message' && p.role === 'assistant') this.message(p.text, p.id);
    else if (kind === 'reset') this.voidLiveText();
  }

  private startMessage(): void {
    if (this.printedText) this.stdout.write(this.midLine ? '\n\n' : '\n');
    this.midLine = false;
    this.printedText = true;
    this.inMessage = true;
    this.shown = '';
    this.region = '';
    this.regionStatus = [];
  }

  private endMessage(): void {
    if (!this.tty && this.midLine) this.out('\n');
    this.inMessage = false;
    this.shown = '';
    this.region = '';
    this.regionStatus = [];
  }

  private out(text: string): void {
    this.stdout.write(text);
    if (this.tty) this.region += text;
    this.midLine = !text.endsWith('\n');
  }

  /** Erases what the current message put on screen, shows its status lines again, then `text`. */
  private redraw(text: string): void {
    // A pseudo-terminal with no size set reports 0 columns (Node's tty.WriteStream); 0 would count a row per character.
    const rows = screenRows(this.region, this.stdout.columns || 80);
    this.stdout.write(`\r${cursorUp(rows - 1)}${ERASE_BELOW}`);
    const status = this.regionStatus;
    this.region = '';
    this.regionStatus = [];
    this.midLine = false;
    for (const line of status) {
      this.stderr.write(`${line}\n`);
      this.region += `${line}\n`;
      this.regionStatus.push(line);
    }
    this.shown = '';
    if (text) {
      this.out(text);
      this.shown = text;
    }
  }
}

/** Rows a text written from column 0 occupies on a terminal `columns` wide (code points, not display widths). */
export function screenRows(text: string, columns: number): number {
  const width = Math.max(1, columns);
  const lines = text.split('\n');
  let rows = 0;
  lines.forEach((line, i) => {
    const n = [...line].length;
    // A trailing newline leaves the cursor at the start of an empty last row.
    if (i === lines.length - 1 && n === 0) rows += 1;
    else rows += Math.max(1, Math.ceil(n / width));
  });
  return rows;
}

/** The stderr line for a follower event, or undefined for events that are not shown. */
export function progressLine(p: FollowProgress): string | undefined {
  switch (p.kind) {
    case 'status':
      // Coder v2.37+: a turn that waits for a free worker shows `queued_for_capacity`.
      return 'waitingForCapacity' in p && p.waitingForCapacity === true ? '· waiting for capacity' : `· ${p.status}`;
    case 'tool':
      return `· tool: ${p.name}`;
    case 'retry':
      return `· retrying (attempt ${p.attempt}, in ${Math.round(p.delayMs / 1000)}s): ${p.error}`;
    case 'queue':
      return p.queued ? `· ${p.queued} message(s) queued` : undefined;
    case 'reconnect':
      return `· stream dropped (${p.reason}); reconnecting`;
    case 'polling':
      return `· ${p.reason}; polling instead`;
    default:
      return undefined;
  }
}
