/** The chat stream sockets: framing, snapshot, keepalive and abrupt drops. */
import { WebSocket } from 'ws';
import { snapshotEvents } from './chat.js';
import type { FakeChat } from './chat.js';
import type { ChatEvent, Framing, ResolvedOptions } from './types.js';

export interface StreamClient {
  readonly ws: WebSocket;
  readonly chat: FakeChat;
  /** Text frames sent so far (snapshot, live events, JSON pings, raw frames). */
  framesSent: number;
  /** Terminate the socket once this many text frames have been sent. */
  readonly dropAfter: number | undefined;
  closed: boolean;
}

const JSON_PING = JSON.stringify({ type: 'ping' });

/** Encodes events as the text frames of one framing. */
export function encodeFrames(framing: Framing, events: ChatEvent[]): string[] {
  if (events.length === 0) return [];
  switch (framing) {
    case 'batch':
      return [JSON.stringify({ type: 'data', data: events })];
    case 'single':
      return events.map((event) => JSON.stringify({ type: 'data', data: event }));
    case 'array':
      return [JSON.stringify(events)];
  }
}

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly onChange: () => void,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Registers an upgraded socket, then sends the snapshot. */
  attach(ws: WebSocket, chat: FakeChat, afterId: number, dropAfter: number | undefined): void {
    const client: StreamClient = { ws, chat, framesSent: 0, dropAfter, closed: false };
    this.clients.add(client);
    chat.streams.add(client);
    // The stream is server-to-client only: the real server closes it when the client writes.
    ws.on('message', () => {
      this.detach(client);
      ws.close(1008, 'the chat stream is read-only');
    });
    ws.on('close', () => this.detach(client));
    ws.on('error', () => this.detach(client));
    this.ensurePinging();
    this.onChange();
    if (dropAfter === 0) {
      this.detach(client);
      ws.terminate();
      return;
    }
    for (const frame of encodeFrames(this.options.framing, snapshotEvents(chat, afterId, this.options.generation === 'current'))) this.send(client, frame);
  }

  /** Sends live events to every stream of the chat, encoded once. */
  broadcast(chat: FakeChat, events: ChatEvent[]): void {
    if (chat.streams.size === 0) return;
    const frames = encodeFrames(this.options.framing, events);
    for (const client of [...chat.streams]) {
      for (const frame of frames) this.send(client, frame);
    }
  }

  broadcastRaw(chat: FakeChat, frame: string): void {
    for (const client of [...chat.streams]) this.send(client, frame);
  }

  /** Terminates every stream socket (the fake shutting down). */
  closeAll(): void {
    for (const client of [...this.clients]) {
      this.detach(client);
      client.ws.terminate();
    }
    this.stopPinging();
  }

  private send(client: StreamClient, frame: string): void {
    if (client.closed || client.ws.readyState !== WebSocket.OPEN) return;
    client.framesSent += 1;
    if (client.dropAfter !== undefined && client.framesSent >= client.dropAfter) {
      this.detach(client);
      // Cut the TCP connection without a close frame once the last frame is flushed.
      client.ws.send(frame, () => client.ws.terminate());
      return;
    }
    client.ws.send(frame);
  }

  private detach(client: StreamClient): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client);
    client.chat.streams.delete(client);
    if (this.clients.size === 0) this.stopPinging();
    this.onChange();
  }

  /** One interval for all sockets, running only while some are open. */
  private ensurePinging(): void {
    if (this.pingTimer) return;
    this.pingTimer = setInterval(() => this.pingAll(), this.options.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private pingAll(): void {
    const jsonPing = this.options.framing === 'batch' && this.options.jsonPings;
    for (const client of [...this.clients]) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      client.ws.ping();
      if (jsonPing) this.send(client, JSON_PING);
    }
  }
}
