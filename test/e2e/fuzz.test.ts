// SPEC §4: no request, signed or not, can crash the process or get a 5xx; a malformed one gets a
// 4xx or a harmless 200 and changes nothing. A few hundred signed malformed bodies for every surface
// the manifest declares (slash commands, block_actions, view_submission, view_closed,
// block_suggestion, message and global shortcuts, app_home_opened, url_verification), generated
// from a fixed seed, sent to the whole app; then: every status as expected, /healthz still up, not
// one row written in any table, no Web API call but the expected ones.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '../../src/platform/db.js';
import { openTestStore, storeName, usingPostgres } from '../support/db.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { baseConfigYaml, SIGNING_SECRET, SUPPORT, useHarness, users, type Harness } from '../support/harness.js';
import { SlackRequester, type SignOptions } from '../support/slack-client.js';
import { openTicketViaSlack } from '../support/tickets.js';
import { asPayload, bases, cases, commandForm, DELETE, FORM, JSON_CT, setAt, unknownIds, user } from './fuzz.corpus.js';

const TABLES_SQL = sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;

/** Row counts of every table of the app. */
async function rowCounts(h: Harness): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await rows<{ name: string }>(h.store.db, TABLES_SQL)) {
    const [row] = await rows<{ n: number }>(h.store.db, sql.raw(`select count(*)::int as n from "${name}"`));
    counts[name] = row!.n;
  }
  return counts;
}

/** The sink's URL in place of the placeholder, so respond() reaches something that records it. */
const withSink = (h: Harness, body: string) => body.replaceAll(encodeURIComponent('http://127.0.0.1:1/fuzz/'), encodeURIComponent(`${h.sink.url}/fuzz/`)).replaceAll('http://127.0.0.1:1/fuzz/', `${h.sink.url}/fuzz/`);

describe(`fuzzing /slack/events (${storeName})`, () => {
  const h = useHarness({ setup: async (harness) => void (await openTicketViaSlack(harness, users.alice, { title: 'a ticket that exists' })) });

  it(`answers ${cases.length} signed and unsigned malformed requests with the expected 4xx or 200, writes nothing and stays up`, async () => {
    expect(cases.length).toBeGreaterThan(300);
    await h.deliver();
    const before = await rowCounts(h);
    expect(before.tickets).toBe(1);
    const callsBefore = h.slack.calls.length;
    const sinkBefore = h.sink.received.length;

    const wrong: string[] = [];
    for (const [i, c] of cases.entries()) {
      const res = await h.requester.post(withSink(h, c.body), c.contentType, { sign: c.sign, timestampOffsetSec: c.timestampOffsetSec });
      if (res.status !== c.status) wrong.push(`${c.name}: ${res.status}, expected ${c.status}`);
      if (i % 50 === 0) expect((await fetch(`http://127.0.0.1:${h.opsdesk.port}/healthz`)).status).toBe(200);
    }
    expect(wrong).toEqual([]);

    await h.opsdesk.idle();
    await h.deliver();
    expect((await fetch(`http://127.0.0.1:${h.opsdesk.port}/healthz`)).status).toBe(200);
    expect(await rowCounts(h)).toEqual(before);
    // Nothing reached a listener, so nothing was said to anyone.
    expect(h.slack.calls.slice(callsBefore).map((c) => c.method).filter((m) => m !== 'auth.test')).toEqual([]);
    expect(h.sink.received.length).toBe(sinkBefore);
  });

  it('answers well-formed requests about unknown ids, explains privately where it helps, and writes nothing', async () => {
    await h.deliver();
    const before = await rowCounts(h);
    const callsBefore = h.slack.calls.length;
    const sinkBefore = h.sink.received.length;
    for (const c of unknownIds) {
      const res = await h.requester.post(withSink(h, c.body), c.contentType);
      expect.soft(res.status, c.name).toBe(200);
    }
    await h.opsdesk.idle();
    await h.deliver();
    expect(await rowCounts(h)).toEqual(before);
    const methods = new Set(h.slack.calls.slice(callsBefore).map((c) => c.method));
    for (const m of methods) expect(['auth.test', 'chat.postEphemeral'], `unexpected Web API call ${m}`).toContain(m);
    // "There is no ticket OPS-2099-99999" and the like went back through response_url.
    expect(h.sink.received.length).toBeGreaterThan(sinkBefore + 5);
    expect(JSON.stringify(h.sink.received.slice(sinkBefore))).toContain('OPS-2099-99999');
  });

  it('gives the documented answer to a few representative requests', async () => {
    const post = (body: string, ct: string, opts: SignOptions = {}) => h.requester.post(body, ct, opts);
    expect((await post('payload=null', FORM)).status).toBe(400);
    expect((await post('payload=null', FORM, { sign: 'none' })).status).toBe(401);
    expect((await post('payload=null', FORM, { timestampOffsetSec: -360 })).status).toBe(401);
    expect((await post(asPayload(setAt(bases.block_actions(), ['actions'], DELETE)), FORM)).status).toBe(400);
    expect((await post(asPayload(setAt(bases.view_submission(), ['view', 'state'], DELETE)), FORM)).status).toBe(400);
    expect((await post(asPayload({ ...bases.block_actions(), type: 'interactive_message' }), FORM)).status).toBe(400);
    expect((await post(asPayload(bases.block_actions()), 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify(setAt(bases.event(), ['event', 'type'], 'reaction_added')), JSON_CT)).status).toBe(200);
    const challenge = await post(JSON.stringify(bases.url_verification()), JSON_CT);
    expect(challenge.status).toBe(200);
    expect(challenge.json).toEqual({ challenge: 'fuzz-challenge-123' });
    expect((await post(`payload=${'x'.repeat(5 * 1024 * 1024)}`, FORM)).status).toBe(413);
    // The consent form's private_metadata is unreadable: the listener fails before its ack → 400, nothing written.
    const consent = setAt(setAt(bases.view_submission(), ['view', 'callback_id'], 'ticket.consent'), ['view', 'private_metadata'], '{not json');
    expect((await post(asPayload(consent), FORM)).status).toBe(400);
  });

  it('records the ack latency per surface', async () => {
    const text = await (await fetch(`http://127.0.0.1:${h.opsdesk.port}/metrics`)).text();
    for (const surface of ['command', 'block_actions', 'view_submission', 'view_closed', 'options', 'shortcut', 'event', 'unknown']) {
      expect(text).toMatch(new RegExp(`opsdesk_slack_ack_seconds_count\\{surface="${surface}"\\} [1-9]`));
    }
  });
});

describe(`a shortcut or a button without a trigger_id (${storeName})`, () => {
  const h = useHarness();

  it('answers the message shortcut with an ephemeral explanation instead of calling views.open', async () => {
    const callsBefore = h.slack.calls.length;
    const sinkBefore = h.sink.received.length;
    const shortcut = { ...bases.message_action(), callback_id: 'open_ticket', response_url: `${h.sink.url}/shortcuts/1` };
    delete (shortcut as Record<string, unknown>).trigger_id;
    expect((await h.requester.post(asPayload(shortcut), FORM)).status).toBe(200);
    await h.opsdesk.idle();
    expect(h.sink.received.slice(sinkBefore)).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('Slack did not send what opsdesk needs to open the ticket form') }),
    ]);
    // Without a response_url: chat.postEphemeral in the channel of the message.
    delete (shortcut as Record<string, unknown>).response_url;
    shortcut.trigger_id = '';
    expect((await h.requester.post(asPayload(shortcut), FORM)).status).toBe(200);
    await h.opsdesk.idle();
    const calls = h.slack.calls.slice(callsBefore).filter((c) => c.method !== 'auth.test');
    expect(calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
    expect(calls[0]!.args).toMatchObject({ channel: SUPPORT, user: users.alice.id });
    expect(String(calls[0]!.args.text)).toContain('no ticket was opened');
    expect(await rows(h.store.db, sql`select id from tickets`)).toEqual([]);
  });

  it('answers a form button, /ticket and the Home tab’s New ticket the same way, before anything is read or audited', async () => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'needs a form' });
    await h.deliver();
    const audits = await rows(h.store.db, sql`select id from audit_log`);
    const callsBefore = h.slack.calls.length;
    const sinkBefore = h.sink.received.length;
    const button = (actionId: string, value: string) => {
      const body = setAt(bases.block_actions(), ['actions', 0], { action_id: actionId, block_id: 'b1', type: 'button', value });
      body.user = { ...user, id: users.sam.id, name: 'sam' };
      body.response_url = `${h.sink.url}/actions/1`;
      delete body.trigger_id;
      return asPayload(body);
    };
    expect((await h.requester.post(button('ticket.assign', JSON.stringify({ id: ticket.id, v: ticket.version })), FORM)).status).toBe(200);
    expect((await h.requester.post(button('ticket.request_visit', JSON.stringify({ id: ticket.id, v: ticket.version })), FORM)).status).toBe(200);
    expect((await h.requester.post(button('home.new_ticket', ''), FORM)).status).toBe(200);
    const command = { ...bases.command(), text: 'printer jam', response_url: `${h.sink.url}/commands/1` };
    delete (command as Record<string, string>).trigger_id;
    expect((await h.requester.post(commandForm(command), FORM)).status).toBe(200);
    await h.opsdesk.idle();
    const answers = h.sink.received.slice(sinkBefore);
    expect(answers).toHaveLength(4);
    for (const a of answers) expect(a).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Slack did not send what opsdesk needs to open this form') });
    expect(h.slack.calls.slice(callsBefore).filter((c) => c.method.startsWith('views.'))).toEqual([]);
    expect(await rows(h.store.db, sql`select id from audit_log`)).toEqual(audits);
  });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe(`the app process under malformed requests (${storeName})`, () => {
  // Starting `npm start` takes a few seconds, far more on a loaded machine: a generous timeout.
  it('keeps running and serving after signed payload=null and friends (payload=null used to kill it)', { timeout: 120_000 }, async () => {
    const root = new URL('../..', import.meta.url).pathname;
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-fuzz-'));
    writeFileSync(join(dir, 'opsdesk.yml'), baseConfigYaml);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: join(dir, 'data'), OPSDESK_CONFIG: join(dir, 'opsdesk.yml'),
      SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url,
    };
    const store = usingPostgres ? await openTestStore() : undefined;
    if (store) env.DATABASE_URL = store.url;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const health = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`app exited early: ${out}`);
        if (await health().catch(() => 0)) break;
        if (i > 900) throw new Error(`app did not answer: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const requester = new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET });
      const statuses = [];
      for (const c of [...cases.slice(0, 20), { body: 'payload=null', contentType: FORM }]) statuses.push((await requester.post(c.body, c.contentType)).status);
      expect(statuses.every((s) => s >= 200 && s < 500)).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(child.exitCode).toBeNull();
      expect(await health()).toBe(200);
      const lines = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(lines.some((l) => l.msg === 'Slack request refused: malformed' && l.status === 400)).toBe(true);
      expect(out).not.toContain(slack.token);
      expect(out).not.toContain(SIGNING_SECRET);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
      await slack.close();
      await store?.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
