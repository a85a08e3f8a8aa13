// The sandbox page's HTTP side, mounted on the app's own server (bound to 127.0.0.1): the page and
// its static files, a JSON state read per acting user, the actions the page posts, response_url,
// and Server-Sent Events that tell the page something changed.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { CustomRoute } from '@slack/bolt';

type ParamsIncomingMessage = IncomingMessage & { params?: Record<string, string> };
import type { StoredEphemeral, StoredMessage } from './emulator.js';
import { tsMicros } from './history.js';
import type { Interaction } from './interact.js';
import type { LocalSlack } from './local-slack.js';
import type { Team } from './team.js';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const STATIC: Record<string, string> = { 'sandbox.js': 'text/javascript', 'blocks.js': 'text/javascript', 'sandbox.css': 'text/css' };
const BODY_LIMIT = 1024 * 1024;

export interface SandboxControls {
  clockNow(): Date;
  timezone: string;
  advance(minutes: number): Promise<number>;
  shortcuts: Array<{ callbackId: string; name: string }>;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > BODY_LIMIT) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('a JSON object is expected');
  return parsed as Record<string, any>;
}

const byTs = (a: { ts: string }, b: { ts: string }) => tsMicros(a.ts)! - tsMicros(b.ts)!;

export function sandboxRoutes(local: LocalSlack, act: Interaction, ctl: SandboxControls, team: Team): CustomRoute[] {
  const emu = local.emulator;
  const { isUser } = team;
  const clients = new Set<ServerResponse>();
  local.on('change', (c) => {
    for (const res of clients) res.write(`data: ${JSON.stringify(c)}\n\n`);
  });

  const channelsFor = (user: string) => [...team.channels, { id: emu.dmChannelFor(user), name: 'opsdesk', dm: true }];

  function messageView(m: StoredMessage, replies: StoredMessage[]) {
    return { ts: m.ts, text: m.text ?? '', blocks: m.blocks ?? null, user: m.user ?? null, thread_ts: m.thread_ts ?? null, edited: !!m.edited, replyCount: replies.length, reactions: m.reactions ?? [] };
  }
  const ephemeralView = (e: StoredEphemeral) => ({ ts: e.ts, text: e.text ?? '', blocks: e.blocks ?? null, user: null, thread_ts: e.thread_ts ?? null, ephemeral: true, replyCount: 0 });

  function state(user: string, channel: string | undefined, thread: string | undefined) {
    const all = channel ? emu.inChannel(channel) : [];
    const replies = (ts: string) => all.filter((m) => m.thread_ts === ts && m.ts !== ts);
    const mine = emu.ephemerals.filter((e) => e.user === user && e.channel === channel);
    const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast).map((m) => messageView(m, replies(m.ts)));
    const timeline = [...top, ...mine.filter((e) => !e.thread_ts).map(ephemeralView)].sort(byTs);
    const parent = thread ? all.find((m) => m.ts === thread) : undefined;
    const stack = local.stacks.get(user) ?? [];
    return {
      me: team.users.find((u) => u.id === user),
      users: team.users,
      channels: channelsFor(user),
      clock: { now: ctl.clockNow().toISOString(), timezone: ctl.timezone },
      channel: channel ? { id: channel, messages: timeline.slice(-200) } : null,
      thread: parent ? { ts: parent.ts, messages: [messageView(parent, []), ...[...replies(parent.ts).map((m) => messageView(m, [])), ...mine.filter((e) => e.thread_ts === parent.ts).map(ephemeralView)].sort(byTs)] } : null,
      modal: local.topView(user) ?? null,
      modalDepth: stack.length,
      home: emu.homeViews.get(user) ?? null,
      shortcuts: ctl.shortcuts,
    };
  }

  /** The page posts JSON with its own header: a form on another site cannot (CORS would preflight it, and nobody answers). */
  const post = (path: string, handler: (body: Record<string, any>) => Promise<unknown>): CustomRoute => ({
    path,
    method: ['POST'],
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      if (req.headers['x-opsdesk-sandbox'] !== '1' || !String(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 403, { ok: false, error: 'sandbox requests come from the sandbox page' });
      let body: Record<string, any>;
      try {
        body = await jsonBody(req);
      } catch (err) {
        return send(res, 400, { ok: false, error: `invalid JSON: ${(err as Error).message}` });
      }
      if (body.user !== undefined && !isUser(body.user)) return send(res, 400, { ok: false, error: 'unknown user' });
      send(res, 200, (await handler(body)) ?? { ok: true });
    },
  });

  return [
    { path: '/sandbox', method: ['GET'], handler: async (_req: IncomingMessage, res: ServerResponse) => send(res, 200, await readFile(`${PAGE_DIR}index.html`), 'text/html; charset=utf-8') },
    {
      path: '/sandbox/assets/:file',
      method: ['GET'],
      handler: async (r: IncomingMessage, res: ServerResponse) => {
        const req = r as ParamsIncomingMessage;
        const file = req.params?.file ?? '';
        const type = STATIC[file];
        if (!type) return send(res, 404, { ok: false, error: 'not_found' });
        send(res, 200, await readFile(`${PAGE_DIR}${file}`), `${type}; charset=utf-8`);
      },
    },
    {
      path: '/sandbox/files/:id',
      method: ['GET'],
      handler: async (r: IncomingMessage, res: ServerResponse) => {
        const bytes = emu.uploads.get((r as ParamsIncomingMessage).params?.id ?? '');
        if (!bytes) return send(res, 404, { ok: false, error: 'file_not_found' });
        const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        send(res, 200, bytes, png ? 'image/png' : 'application/octet-stream');
      },
    },
    {
      path: '/sandbox/api/state',
      method: ['GET'],
      handler: async (req: IncomingMessage, res: ServerResponse) => {
        const q = new URL(req.url ?? '/', 'http://sandbox.local').searchParams;
        const user = q.get('user') ?? team.users[0]!.id;
        if (!isUser(user)) return send(res, 400, { ok: false, error: 'unknown user' });
        send(res, 200, state(user, q.get('channel') ?? undefined, q.get('thread') ?? undefined));
      },
    },
    {
      path: '/sandbox/events',
      method: ['GET'],
      handler: async (req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write('retry: 1000\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
      },
    },
    post('/sandbox/api/send', (b) => act.command(b.user, String(b.channel), String(b.text ?? ''), b.thread_ts ? String(b.thread_ts) : undefined)),
    post('/sandbox/api/action', (b) => act.action({ user: b.user, source: b.source, blockId: String(b.blockId ?? ''), element: b.element ?? {}, selected: b.selected, values: b.values })),
    post('/sandbox/api/submit', (b) => act.submit(b.user, String(b.viewId), b.values ?? {})),
    post('/sandbox/api/close', async (b) => act.closeView(b.user, String(b.viewId))),
    post('/sandbox/api/options', async (b) => ({ options: await act.options(b.user, String(b.viewId), String(b.blockId), String(b.actionId), String(b.value ?? '')) })),
    post('/sandbox/api/home', async (b) => act.openHome(b.user)),
    post('/sandbox/api/shortcut', async (b) => {
      if (!ctl.shortcuts.some((x) => x.callbackId === b.callbackId)) return { ok: false, error: 'not a message shortcut of this app' };
      await act.shortcut(b.user, String(b.callbackId), String(b.channel), String(b.ts));
      return { ok: true };
    }),
    post('/sandbox/api/clock', async (b) => {
      const minutes = Number(b.minutes);
      if (![15, 60, 1440].includes(minutes)) return { ok: false, error: 'advance by 15, 60 or 1440 minutes' };
      const slots = await ctl.advance(minutes);
      for (const res of clients) res.write(`data: ${JSON.stringify({ kind: 'clock' })}\n\n`);
      return { ok: true, slots, now: ctl.clockNow().toISOString() };
    }),
    {
      path: '/sandbox/response/:id',
      method: ['POST'],
      handler: async (r: IncomingMessage, res: ServerResponse) => {
        const req = r as ParamsIncomingMessage;
        let body: Record<string, any>;
        try {
          body = await jsonBody(req);
        } catch {
          return send(res, 400, { ok: false, error: 'invalid_json' });
        }
        const out = act.respond(req.params?.id ?? '', body);
        send(res, out.status, out.body);
      },
    },
  ];
}
