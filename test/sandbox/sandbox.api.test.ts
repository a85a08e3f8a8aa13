// The sandbox's own HTTP side without a browser: slash commands signed as Slack signs them (the app
// accepts them), response_url answers shown only to the one who ran the command, and every bad input
// refused with a clear error that changes nothing. A restart keeps the local Slack and the clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/platform/logger.js';
import { startSandboxApp } from '../../src/sandbox-main.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const SUPPORT = 'C0DEMOSUPPORT';
const ENGINEER = 'U0DEMOENG1';
const OTHER = 'U0DEMOENG2';

describe(`the sandbox's HTTP side (${storeName})`, () => {
  let store: TestStore;
  let sandbox: Awaited<ReturnType<typeof startSandboxApp>>;
  const base = () => `http://127.0.0.1:${sandbox.port}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json', 'x-opsdesk-sandbox': '1' }) =>
    fetch(`${base()}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const state = async (user: string, channel = SUPPORT): Promise<any> => (await fetch(`${base()}/sandbox/api/state?user=${user}&channel=${channel}`)).json();

  beforeAll(async () => {
    store = await openTestStore();
    sandbox = await startSandboxApp({ store, logger: silentLogger, port: 0, tickMs: 0, outboxPollMs: 25 });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
    await store?.dispose();
  });

  it('runs a slash command signed like Slack: the app opens its modal on the acting user\'s stack', async () => {
    const res = await post('/sandbox/api/send', { user: ENGINEER, channel: SUPPORT, text: '/ticket' });
    expect(await res.json()).toEqual({ ok: true });
    await expect.poll(async () => (await state(ENGINEER)).modal?.title?.text).toBe('New ticket');
    expect((await state(OTHER)).modal).toBeNull();
    const top = (await state(ENGINEER)).modal;
    expect(await (await post('/sandbox/api/close', { user: ENGINEER, viewId: top.id })).json()).toEqual({ ok: true });
    expect((await state(ENGINEER)).modal).toBeNull();
  });

  it('shows what the app answers a command to that user only, marked ephemeral; an unknown response_url is refused', async () => {
    const res = await post('/sandbox/api/send', { user: ENGINEER, channel: SUPPORT, text: '/oncall' });
    expect(await res.json()).toEqual({ ok: true });
    await expect.poll(async () => (await state(ENGINEER)).channel.messages.filter((m: { ephemeral?: boolean }) => m.ephemeral).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await state(OTHER)).channel.messages.filter((m: { ephemeral?: boolean }) => m.ephemeral)).toEqual([]);
    const unknown = await post('/sandbox/response/0123456789abcdef01234567', { text: 'hello' }, { 'content-type': 'application/json' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: 'expired_url' });
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await sandbox.app.drain();
    const before = await state(ENGINEER);
    const forged = await post('/sandbox/api/send', { user: ENGINEER, channel: SUPPORT, text: 'from another site' }, { 'content-type': 'text/plain' });
    expect(forged.status).toBe(403);
    const stranger = await post('/sandbox/api/send', { user: 'U0NOBODY', channel: SUPPORT, text: 'hi' });
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toEqual({ ok: false, error: 'unknown user' });
    const badJson = await fetch(`${base()}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-opsdesk-sandbox': '1' }, body: '{not json' });
    expect(badJson.status).toBe(400);
    const noFile = await fetch(`${base()}/sandbox/files/F0NOSUCHFILE`);
    expect([noFile.status, await noFile.json()]).toEqual([404, { ok: false, error: 'file_not_found' }]);
    const clock = await post('/sandbox/api/clock', { minutes: 7 });
    expect(await clock.json()).toEqual({ ok: false, error: 'advance by 15, 60 or 1440 minutes' });
    const noCommand = await post('/sandbox/api/send', { user: ENGINEER, channel: SUPPORT, text: '/nosuchcommand' });
    expect(await noCommand.json()).toMatchObject({ ok: false, error: expect.stringContaining('/nosuchcommand is not a valid command') });
    const after = await state(ENGINEER);
    const tsOf = (s: { channel: { messages: Array<{ ts: string }> } }) => s.channel.messages.map((m) => m.ts);
    expect(tsOf(after)).toEqual(tsOf(before));
    expect(Math.abs(new Date(after.clock.now).getTime() - new Date(before.clock.now).getTime())).toBeLessThan(60_000);
  });

  it('keeps the local Slack and the clock across a restart on the same store', async () => {
    await sandbox.advance(60);
    const before = await state(ENGINEER);
    await sandbox.stop();
    sandbox = await startSandboxApp({ store, logger: silentLogger, port: 0, tickMs: 0, outboxPollMs: 25 });
    const after = await state(ENGINEER);
    expect(after.channel.messages.map((m: { ts: string }) => m.ts)).toEqual(before.channel.messages.map((m: { ts: string }) => m.ts));
    // Sandbox time is still an hour ahead of the wall clock; the demo was not loaded twice.
    expect(new Date(after.clock.now).getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(after.channel.messages.length).toBe(before.channel.messages.length);
  }, 120_000);
});
