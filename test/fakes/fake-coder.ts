/**
 * A fake Coder server speaking the Chats API (see /work/shared/coder-chats-api.md),
 * for the tests and the bench. Written from the reference only: it must never
 * import from src/, so a misreading in our client cannot hide in the fake too.
 */
export { FakeCoder } from './fake-coder/server.js';
export type { SeedChatOptions } from './fake-coder/server.js';
export { FakeChat, FINAL_STATUSES } from './fake-coder/chat.js';
export type { ChatRecord } from './fake-coder/chat.js';
export { encodeFrames } from './fake-coder/streams.js';
export type { StreamClient } from './fake-coder/streams.js';
export { MAX_QUEUED_MESSAGES, Turn } from './fake-coder/turns.js';
export { MAX_FILE_BYTES, sniffImage } from './fake-coder/routes.js';
export type { StoredFile } from './fake-coder/routes.js';
export { BAD_GATEWAY_HTML, MESSAGES } from './fake-coder/http.js';
export { chunkText, echoAgent, resolveOptions } from './fake-coder/types.js';
export { PROFILES, PROFILE_NAMES, profile } from './fake-coder/profiles.js';
export type { ProfileName } from './fake-coder/profiles.js';
export type {
  AgentBehaviour,
  AgentStep,
  AgentTurn,
  ChatEvent,
  ChatMessage,
  ChatPrefix,
  FakeCoderOptions,
  FaultReply,
  Framing,
  Generation,
  LastError,
  ModelConfig,
  Organization,
  QueuedMessage,
  RecordedRequest,
  RequestMatch,
  ResolvedOptions,
} from './fake-coder/types.js';
