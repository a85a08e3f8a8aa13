// The sandbox's interaction side: what a person does on the page becomes the request Slack would
// send to the app's /slack/events — signed, with Slack's payload shapes — and the app's answer is
// applied the way a Slack client does (an ack's text is an ephemeral; response_action on a modal).
import { randomBytes } from 'node:crypto';
import { validateMessageBlocks } from './block-kit.js';
import type { StoredMessage } from './emulator.js';
import type { LocalSlack } from './local-slack.js';
import { SlackRequester } from './signer.js';
import type { Team } from './team.js';

/** Where a button or select was used. */
export type Source =
  | { type: 'message'; channel: string; ts: string }
  | { type: 'ephemeral'; channel: string; ts: string }
  | { type: 'view'; viewId: string };

export interface ActionInput {
  user: string;
  source: Source;
  blockId: string;
  /** The element as rendered (its type, action_id, value, options…) and what was chosen. */
  element: Record<string, any>;
  selected?: Record<string, any>;
  /** The view's input state when the action happened inside a modal. */
  values?: Record<string, Record<string, any>>;
}

interface ResponseTarget { user: string; channel: string; threadTs?: string; messageTs?: string; ephemeral?: boolean }

export interface Interaction {
  command(user: string, channel: string, text: string, threadTs?: string): Promise<{ ok: boolean; error?: string }>;
  action(a: ActionInput): Promise<{ ok: boolean; error?: string }>;
  submit(user: string, viewId: string, values: Record<string, Record<string, any>>): Promise<{ ok: boolean; errors?: Record<string, string> }>;
  closeView(user: string, viewId: string): Promise<void>;
  options(user: string, viewId: string, blockId: string, actionId: string, value: string): Promise<any[]>;
  openHome(user: string): Promise<void>;
  shortcut(user: string, callbackId: string, channel: string, ts: string): Promise<void>;
  /** A POST to a response_url the sandbox handed out. */
  respond(id: string, body: Record<string, any>): { status: number; body: Record<string, any> };
}

export interface InteractionOptions {
  /** Where the app listens (known once it started). */
  appUrl: () => string;
  signingSecret: string;
  now: () => number;
  team: Team;
  /** The app's slash commands (manifest.yml): the Slack client refuses any other. */
  commands: string[];
}

export function interactions(local: LocalSlack, o: InteractionOptions): Interaction {
  const emu = local.emulator;
  const { userName, channelName } = o.team;
  let signerFor: SlackRequester | undefined;
  const signer = {
    post: (body: string, ct: string) => (signerFor ??= requester()).post(body, ct),
    event: (e: Record<string, any>) => (signerFor ??= requester()).event(e),
  };
  const requester = () => new SlackRequester({ baseUrl: o.appUrl(), signingSecret: o.signingSecret, teamId: emu.teamId, botUserId: emu.botUserId });
  const targets = new Map<string, ResponseTarget>();
  const FORM = 'application/x-www-form-urlencoded';

  const userJson = (id: string) => ({ id, username: userName(id), name: userName(id), team_id: emu.teamId });
  const team = { id: emu.teamId, domain: 'opsdesk-sandbox' };
  const common = { api_app_id: 'AFAKEAPP1', token: 'sandbox', team, enterprise: null, is_enterprise_install: false };

  function responseUrl(t: ResponseTarget): string {
    const id = randomBytes(12).toString('hex');
    targets.set(id, t);
    return `${o.appUrl()}/sandbox/response/${id}`;
  }

  function postPayload(payload: Record<string, any>) {
    return signer.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
  }

  /** What the app's ack carried (a text or blocks): Slack shows it to the one who acted. */
  function ackAsEphemeral(user: string, channel: string, res: { status: number; text: string; json: any }, threadTs?: string): void {
    const body = res.json ?? (res.text ? { text: res.text } : undefined);
    if (res.status !== 200 || !body || (!body.text && !body.blocks)) return;
    emu.ephemerals.push({ channel, user, ts: nextTs(), text: body.text, blocks: body.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    local.store.addEphemeral(emu.ephemerals.at(-1)!);
    local.changed({ kind: 'user', user });
  }

  let lastMicros = 0;
  function nextTs(): string {
    const micros = (lastMicros = Math.max(Math.floor(o.now()) * 1000 + 500, lastMicros + 1)); // +500: never the emulator's ts of the same ms
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  function messageJson(m: StoredMessage): Record<string, any> {
    return { type: 'message', text: m.text ?? '', ts: m.ts, team: emu.teamId, ...(m.user ? { user: m.user } : { user: emu.botUserId, bot_id: emu.botId }), ...(m.blocks ? { blocks: m.blocks } : {}), ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) };
  }

  function actionJson(a: ActionInput): Record<string, any> {
    const el = a.element;
    return { type: el.type, action_id: el.action_id, block_id: a.blockId, action_ts: nextTs(), ...(el.type === 'button' ? { text: el.text, value: el.value, ...(el.style ? { style: el.style } : {}) } : {}), ...(a.selected ?? {}) };
  }

  return {
    async command(user, channel, text, threadTs) {
      const m = /^(\/[a-z0-9_-]+)\s*([\s\S]*)$/i.exec(text.trim());
      if (!m) {
        // A plain message from a person: posted as theirs.
        const msg: StoredMessage = { channel, ts: nextTs(), text, user, ...(threadTs ? { thread_ts: threadTs } : {}) };
        emu.messages.set(`${channel}/${msg.ts}`, msg);
        local.store.saveMessage(msg);
        local.changed({ kind: 'channel', channel });
        return { ok: true };
      }
      if (!o.commands.includes(m[1]!.toLowerCase())) return { ok: false, error: `${m[1]} is not a valid command (this app has ${o.commands.join(', ')})` };
      const form = new URLSearchParams({
        token: 'sandbox', team_id: emu.teamId, team_domain: team.domain, channel_id: channel, channel_name: channelName(channel) ?? 'directmessage',
        user_id: user, user_name: userName(user), command: m[1]!.toLowerCase(), text: m[2]!, api_app_id: 'AFAKEAPP1', is_enterprise_install: 'false',
        response_url: responseUrl({ user, channel, threadTs, ephemeral: true }), trigger_id: local.issueTrigger(user),
      });
      const res = await signer.post(form.toString(), FORM);
      if (res.status === 404 || (res.status >= 400 && !res.text)) return { ok: false, error: `${m[1]} is not a command of this app` };
      ackAsEphemeral(user, channel, res, threadTs);
      return { ok: res.status === 200 };
    },

    async action(a) {
      const s = a.source;
      const payload: Record<string, any> = { type: 'block_actions', user: userJson(a.user), ...common, trigger_id: local.issueTrigger(a.user), actions: [actionJson(a)] };
      if (s.type === 'view') {
        const view = emu.views.get(s.viewId) ?? [...emu.homeViews.values()].find((v) => v.id === s.viewId);
        if (!view) return { ok: false, error: 'view_not_found' };
        payload.container = { type: 'view', view_id: view.id };
        payload.view = { ...view, state: { values: a.values ?? {} } };
      } else {
        const stored = s.type === 'message' ? emu.message(s.channel, s.ts) : emu.ephemerals.find((e) => e.channel === s.channel && e.ts === s.ts);
        if (!stored) return { ok: false, error: 'message_not_found' };
        payload.container = { type: 'message', message_ts: s.ts, channel_id: s.channel, is_ephemeral: s.type === 'ephemeral' };
        payload.channel = { id: s.channel, name: channelName(s.channel) ?? 'directmessage' };
        payload.state = { values: {} };
        payload.response_url = responseUrl({ user: a.user, channel: s.channel, threadTs: stored.thread_ts, messageTs: s.ts, ephemeral: s.type === 'ephemeral' });
        if (s.type === 'message') payload.message = messageJson(stored as StoredMessage);
      }
      const res = await postPayload(payload);
      return { ok: res.status === 200 };
    },

    async submit(user, viewId, values) {
      const view = emu.views.get(viewId);
      if (!view) return { ok: false };
      const res = await postPayload({ type: 'view_submission', user: userJson(user), ...common, trigger_id: local.issueTrigger(user), view: { ...view, state: { values } }, response_urls: [] });
      if (res.status !== 200) return { ok: false };
      const body = res.json ?? {};
      if (body.response_action === 'errors') return { ok: false, errors: body.errors ?? {} };
      if (body.response_action === 'clear') local.closeModal(user, true);
      else if (body.response_action === 'update' || body.response_action === 'push') {
        local.placeView(user, { ...body.view, id: body.response_action === 'update' ? viewId : `V${randomBytes(5).toString('hex').toUpperCase()}`, state: { values: {} } }, body.response_action);
      } else local.closeModal(user);
      return { ok: true };
    },

    async closeView(user, viewId) {
      const view = emu.views.get(viewId);
      if (view?.notify_on_close) {
        await postPayload({ type: 'view_closed', user: userJson(user), ...common, view, is_cleared: false });
      }
      local.closeModal(user);
    },

    async options(user, viewId, blockId, actionId, value) {
      const res = await postPayload({ type: 'block_suggestion', user: userJson(user), ...common, container: { type: 'view', view_id: viewId }, action_id: actionId, block_id: blockId, value, view: emu.views.get(viewId) ?? { id: viewId } });
      const body = res.json ?? {};
      return body.options ?? (body.option_groups ?? []).flatMap((g: any) => g.options ?? []);
    },

    async openHome(user) {
      await signer.event({ type: 'app_home_opened', user, channel: emu.dmChannelFor(user), tab: 'home', ...(emu.homeViews.get(user) ? { view: emu.homeViews.get(user) } : {}) });
    },

    async shortcut(user, callbackId, channel, ts) {
      const m = emu.message(channel, ts);
      if (!m) return;
      await postPayload({
        type: 'message_action', ...common, user: userJson(user), channel: { id: channel, name: channelName(channel) ?? 'directmessage' }, callback_id: callbackId,
        trigger_id: local.issueTrigger(user), response_url: responseUrl({ user, channel, threadTs: m.thread_ts }), message_ts: ts, message: messageJson(m), action_ts: nextTs(),
      });
    },

    respond(id, body) {
      const t = targets.get(id);
      if (!t) return { status: 404, body: { ok: false, error: 'expired_url' } };
      if (body.blocks !== undefined) {
        const errors = validateMessageBlocks(body.blocks);
        if (errors.length) return { status: 400, body: { ok: false, error: 'invalid_blocks', errors } };
      }
      const replaceable = t.messageTs !== undefined && (body.replace_original === true || body.replace_original === 'true' || body.delete_original === true || body.delete_original === 'true');
      if (replaceable && t.ephemeral) {
        const i = emu.ephemerals.findIndex((e) => e.channel === t.channel && e.ts === t.messageTs && e.user === t.user);
        if (i >= 0 && (body.delete_original === true || body.delete_original === 'true')) emu.ephemerals.splice(i, 1);
        else if (i >= 0) Object.assign(emu.ephemerals[i]!, { text: body.text, blocks: body.blocks });
        local.changed({ kind: 'user', user: t.user });
        return { status: 200, body: { ok: true } };
      }
      if (replaceable) {
        const m = emu.message(t.channel, t.messageTs!);
        if (m && (body.delete_original === true || body.delete_original === 'true')) {
          emu.messages.delete(`${t.channel}/${m.ts}`);
          local.store.deleteMessage(t.channel, m.ts);
        } else if (m) {
          Object.assign(m, { text: body.text ?? m.text, blocks: body.blocks ?? m.blocks, edited: true });
          local.store.saveMessage(m);
        }
        local.changed({ kind: 'channel', channel: t.channel });
        return { status: 200, body: { ok: true } };
      }
      if (!body.text && !body.blocks) return { status: 400, body: { ok: false, error: 'no_text' } };
      if (body.response_type === 'in_channel') {
        const m: StoredMessage = { channel: t.channel, ts: nextTs(), text: body.text, blocks: body.blocks, ...(body.thread_ts || t.threadTs ? { thread_ts: body.thread_ts ?? t.threadTs } : {}) };
        emu.messages.set(`${m.channel}/${m.ts}`, m);
        local.store.saveMessage(m);
        local.changed({ kind: 'channel', channel: t.channel });
      } else {
        ackAsEphemeral(t.user, t.channel, { status: 200, text: '', json: body }, t.threadTs);
      }
      return { status: 200, body: { ok: true } };
    },
  };
}
