// The sandbox's Slack state in the embedded store. The emulator answers from memory (fast, and the
// same code the tests run); every change it makes is written here behind it, in order, and a
// restarted sandbox loads it back before it takes its first call.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { StoredEphemeral, StoredMessage } from './emulator.js';
import { sandboxEphemerals, sandboxMessages, sandboxState, sandboxViews } from './sandbox.table.js';

export interface StoredView {
  id: string;
  kind: 'modal' | 'home';
  userId: string | null;
  body: Record<string, any>;
  /** Position in the user's modal stack, null once closed. */
  stackPos: number | null;
}

export interface SandboxSnapshot {
  messages: StoredMessage[];
  ephemerals: StoredEphemeral[];
  views: StoredView[];
  state: Record<string, unknown>;
}

export class SandboxStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<SandboxSnapshot> {
    const messages = await this.db.select().from(sandboxMessages);
    const ephemerals = await this.db.select().from(sandboxEphemerals).orderBy(asc(sandboxEphemerals.id));
    const views = await this.db.select().from(sandboxViews);
    const state = await this.db.select().from(sandboxState);
    return {
      messages: messages.map((r) => r.body as StoredMessage),
      ephemerals: ephemerals.map((r) => r.body as StoredEphemeral),
      views: views.map((r) => ({ id: r.id, kind: r.kind, userId: r.userId, body: r.body as Record<string, any>, stackPos: r.stackPos })),
      state: Object.fromEntries(state.map((r) => [r.key, r.value])),
    };
  }

  saveMessage(m: StoredMessage): void {
    const body = { ...m };
    this.queue(() =>
      this.db.insert(sandboxMessages).values({ channel: m.channel, ts: m.ts, body }).onConflictDoUpdate({ target: [sandboxMessages.channel, sandboxMessages.ts], set: { body } }),
    );
  }

  deleteMessage(channel: string, ts: string): void {
    this.queue(() => this.db.delete(sandboxMessages).where(sql`${sandboxMessages.channel} = ${channel} and ${sandboxMessages.ts} = ${ts}`));
  }

  addEphemeral(e: StoredEphemeral): void {
    this.queue(() => this.db.insert(sandboxEphemerals).values({ channel: e.channel, userId: e.user, ts: e.ts, body: { ...e } }));
  }

  saveView(v: StoredView): void {
    const row = { kind: v.kind, userId: v.userId, body: v.body, stackPos: v.stackPos, updatedAt: new Date() };
    this.queue(() => this.db.insert(sandboxViews).values({ id: v.id, ...row }).onConflictDoUpdate({ target: sandboxViews.id, set: row }));
  }

  /** Takes the views of a user's stack off it (closed), all of them or from `fromPos` up. */
  closeViews(userId: string, fromPos = 0): void {
    this.queue(() => this.db.update(sandboxViews).set({ stackPos: null }).where(sql`${sandboxViews.userId} = ${userId} and ${sandboxViews.kind} = 'modal' and ${sandboxViews.stackPos} >= ${fromPos}`));
  }

  setState(key: string, value: unknown): void {
    const v = value as object;
    this.queue(() => this.db.insert(sandboxState).values({ key, value: v }).onConflictDoUpdate({ target: sandboxState.key, set: { value: v } }));
  }

  async getState<T>(key: string): Promise<T | undefined> {
    await this.flush();
    const [row] = await this.db.select().from(sandboxState).where(eq(sandboxState.key, key));
    return row?.value as T | undefined;
  }

  /** Resolves when every write queued so far is in the store. */
  flush(): Promise<void> {
    return this.chain;
  }

  private queue(write: () => PromiseLike<unknown>): void {
    this.chain = this.chain.then(
      () => Promise.resolve(write()).then(() => undefined),
    ).catch((err: unknown) => {
      this.logger.error({ err }, 'the sandbox could not store a change of its local Slack');
    });
  }
}
