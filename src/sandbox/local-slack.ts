// The sandbox's local Slack: the emulator (answers from memory) mirrored into the store, with what
// a Slack client keeps on top of the Web API — whose modal stack a view is on (a trigger_id belongs
// to the person who clicked), and a change feed for the page's live updates.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { startFakeSlack, type FakeSlack, type FakeUserProfile, type StoredMessage } from './emulator.js';
import { SandboxStore } from './state.js';
import type { SlackCall } from './wire.js';

/** What changed, for the page: a channel's messages, a user's ephemerals, modals or Home. */
export type Change = { kind: 'channel'; channel: string } | { kind: 'user'; user: string };

export interface LocalSlackOptions {
  db: Db;
  logger: Logger;
  users: Record<string, FakeUserProfile>;
  channels: string[];
  now: () => number;
}

export class LocalSlack extends EventEmitter {
  /** Each user's open modals, root first (view ids). */
  readonly stacks = new Map<string, string[]>();
  private readonly triggers = new Map<string, { user: string; at: number }>();
  private lastMicros = 0;

  private constructor(
    readonly emulator: FakeSlack,
    readonly store: SandboxStore,
    private readonly now: () => number,
  ) {
    super();
  }

  /** Starts the emulator with what the store kept from the last run. */
  static async start(opts: LocalSlackOptions): Promise<LocalSlack> {
    const store = new SandboxStore(opts.db, opts.logger);
    const snapshot = await store.load();
    const ref: { self?: LocalSlack } = {};
    const emulator = await startFakeSlack({
      token: `xoxb-sandbox-${randomBytes(12).toString('hex')}`,
      users: opts.users,
      channels: opts.channels,
      now: opts.now,
      keepCalls: 200,
      // Ids stay unique across restarts: they continue from the wall clock, never from 1.
      firstId: Date.now(),
      onCall: (call) => ref.self?.mirror(call),
    });
    const self = (ref.self = new LocalSlack(emulator, store, opts.now));
    for (const m of snapshot.messages) emulator.messages.set(`${m.channel}/${m.ts}`, m);
    emulator.ephemerals.push(...snapshot.ephemerals);
    const open: Array<{ user: string; id: string; pos: number }> = [];
    for (const v of snapshot.views) {
      if (v.kind === 'home' && v.userId) emulator.homeViews.set(v.userId, v.body);
      if (v.kind === 'modal') emulator.views.set(v.id, v.body);
      if (v.kind === 'modal' && v.userId && v.stackPos !== null) open.push({ user: v.userId, id: v.id, pos: v.stackPos });
    }
    for (const [key, value] of Object.entries(snapshot.state)) {
      if (key.startsWith('file:')) emulator.uploads.set(key.slice(5), Buffer.from(String(value), 'base64'));
    }
    for (const o of open.sort((a, b) => a.pos - b.pos)) self.stacks.set(o.user, [...(self.stacks.get(o.user) ?? []), o.id]);
    return self;
  }

  /** A trigger_id for something `user` did; the views it opens go on that user's stack. */
  issueTrigger(user: string): string {
    const id = `${Date.now()}.${randomBytes(4).toString('hex')}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { user, at: Date.now() });
    for (const [k, t] of this.triggers) if (Date.now() - t.at > 30 * 60_000) this.triggers.delete(k);
    return id;
  }

  /** The modal on top of the user's stack. */
  topView(user: string): Record<string, any> | undefined {
    const id = this.stacks.get(user)?.at(-1);
    return id ? this.emulator.views.get(id) : undefined;
  }

  /** Closes the top modal (`all`: the whole stack), as the close button or a `clear` does. */
  closeModal(user: string, all = false): void {
    const stack = this.stacks.get(user) ?? [];
    const from = all ? 0 : Math.max(0, stack.length - 1);
    stack.splice(from);
    this.store.closeViews(user, from);
    this.changed({ kind: 'user', user });
  }

  /** A view that a submission answered with `response_action: update` or `push`. */
  placeView(user: string, view: Record<string, any>, how: 'update' | 'push'): void {
    const stack = this.stacks.get(user) ?? [];
    if (how === 'update' && stack.length) stack.pop();
    stack.push(view.id);
    this.stacks.set(user, stack);
    this.emulator.views.set(view.id, view);
    this.store.saveView({ id: view.id, kind: 'modal', userId: user, body: view, stackPos: stack.length - 1 });
    this.changed({ kind: 'user', user });
  }

  /** Keeps the store and the page in step with a successful Web API call. */
  private mirror(call: SlackCall): void {
    if (call.status !== 200 || call.response?.ok !== true) return;
    const r = call.response;
    const a = call.args;
    switch (call.method) {
      case 'chat.postMessage':
      case 'chat.update':
      case 'reactions.add': {
        const channel = r.channel ?? a.channel;
        const m = this.emulator.message(channel, r.ts ?? a.ts ?? a.timestamp);
        if (m) this.store.saveMessage(m);
        return this.changed({ kind: 'channel', channel });
      }
      case 'chat.delete':
        this.store.deleteMessage(a.channel, String(a.ts));
        return this.changed({ kind: 'channel', channel: a.channel });
      case 'chat.postEphemeral': {
        const e = this.emulator.ephemerals.at(-1);
        if (e) this.store.addEphemeral(e);
        return this.changed({ kind: 'user', user: a.user });
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
        return this.mirrorModal(call.method, a, r.view);
      case 'files.completeUploadExternal':
        return this.mirrorFiles(a);
      case 'views.publish':
        this.store.saveView({ id: r.view.id, kind: 'home', userId: a.user_id, body: r.view, stackPos: null });
        return this.changed({ kind: 'user', user: a.user_id });
    }
  }

  private mirrorModal(method: string, args: Record<string, any>, view: Record<string, any>): void {
    let user = this.ownerOf(view.id);
    if (method !== 'views.update') {
      user = this.triggers.get(String(args.trigger_id))?.user;
      if (!user) return; // opened for someone outside the sandbox's page (a test's trigger)
      const stack = method === 'views.open' ? [] : (this.stacks.get(user) ?? []);
      if (method === 'views.open') this.store.closeViews(user);
      stack.push(view.id);
      this.stacks.set(user, stack);
    }
    if (!user) return;
    const pos = this.stacks.get(user)!.indexOf(view.id);
    this.store.saveView({ id: view.id, kind: 'modal', userId: user, body: view, stackPos: pos < 0 ? null : pos });
    this.changed({ kind: 'user', user });
  }

  /** A completed upload shared to a channel is a message with the file, as Slack shows it. */
  private mirrorFiles(a: Record<string, any>): void {
    if (typeof a.channel_id !== 'string') return;
    const files = (a.files as Array<{ id: string; title?: string }>).filter((f) => this.emulator.uploads.has(f.id));
    for (const f of files) this.store.setState(`file:${f.id}`, this.emulator.uploads.get(f.id)!.toString('base64'));
    this.lastMicros = Math.max(Math.floor(this.now()) * 1000 + 700, this.lastMicros + 1);
    const ts = `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
    const m: StoredMessage = {
      channel: a.channel_id, ts, text: a.initial_comment ?? '',
      blocks: [
        ...(a.initial_comment ? [{ type: 'section', text: { type: 'mrkdwn', text: a.initial_comment } }] : []),
        ...files.map((f) => ({ type: 'image', image_url: `/sandbox/files/${encodeURIComponent(f.id)}`, alt_text: f.title ?? f.id, ...(f.title ? { title: { type: 'plain_text', text: f.title } } : {}) })),
      ],
      ...(a.thread_ts ? { thread_ts: String(a.thread_ts) } : {}),
    };
    this.emulator.messages.set(`${m.channel}/${m.ts}`, m);
    this.store.saveMessage(m);
    this.changed({ kind: 'channel', channel: m.channel });
  }

  private ownerOf(viewId: string): string | undefined {
    for (const [user, stack] of this.stacks) if (stack.includes(viewId)) return user;
    return undefined;
  }

  changed(c: Change): void {
    this.emit('change', c);
  }

  async close(): Promise<void> {
    await this.store.flush();
    await this.emulator.close();
  }
}
