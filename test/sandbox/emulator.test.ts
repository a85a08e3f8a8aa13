// What the Slack emulator gained for the sandbox (the rest of its methods, shapes and limits are
// tested in test/support/fake-slack.test.ts): ephemerals kept for the one user, reactions.add with
// Slack's errors, messages by people, the onCall hook and a bounded call log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogLevel, WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/emulator.js';
import type { SlackCall } from '../../src/sandbox/wire.js';

const CHANNEL = 'C0SUPPORT';

describe('the Slack emulator for the sandbox', () => {
  let slack: FakeSlack;
  let web: WebClient;
  const seen: SlackCall[] = [];
  beforeAll(async () => {
    slack = await startFakeSlack({ channels: [CHANNEL], keepCalls: 5, onCall: (c) => seen.push(c), firstId: 1_000 });
    web = new WebClient(slack.token, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  });
  afterAll(async () => slack?.close());

  it('keeps an ephemeral for its user, in its thread, with the ts it answered', async () => {
    const res = await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'only you', thread_ts: '1700000000.000100' });
    expect(slack.ephemerals.at(-1)).toEqual({ channel: CHANNEL, user: 'U0ALICE', ts: res.message_ts, text: 'only you', thread_ts: '1700000000.000100' });
    const before = slack.ephemerals.length;
    await expect(web.chat.postEphemeral({ channel: CHANNEL, user: 'nobody', text: 'x' })).rejects.toThrow(/user_not_found/);
    await expect(web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: '' })).rejects.toThrow(/no_text/);
    expect(slack.ephemerals).toHaveLength(before);
  });

  it('reactions.add: once per reaction, on a message that exists, with a valid name', async () => {
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'OPS-1' });
    await web.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'white_check_mark' });
    await expect(web.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'white_check_mark' })).rejects.toThrow(/already_reacted/);
    await expect(web.reactions.add({ channel: CHANNEL, timestamp: '1.000001', name: 'eyes' })).rejects.toThrow(/message_not_found/);
    await expect(web.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'Not A Name!' })).rejects.toThrow(/invalid_name/);
    expect(slack.message(CHANNEL, posted.ts!)?.reactions).toEqual([{ name: 'white_check_mark', users: [slack.botUserId] }]);
    const history = await web.conversations.history({ channel: CHANNEL });
    expect(history.messages?.find((m) => m.ts === posted.ts)?.reactions).toEqual([{ name: 'white_check_mark', users: [slack.botUserId], count: 1 }]);
  });

  it('shows a person\'s message as theirs, not the bot\'s', async () => {
    slack.messages.set(`${CHANNEL}/1700000001.000001`, { channel: CHANNEL, ts: '1700000001.000001', text: 'hello from Alice', user: 'U0ALICE' });
    const history = await web.conversations.history({ channel: CHANNEL, oldest: '1700000001', latest: '1700000002' });
    expect(history.messages).toMatchObject([{ text: 'hello from Alice', user: 'U0ALICE' }]);
    expect(history.messages?.[0]).not.toHaveProperty('bot_id');
  });

  it('tells onCall of every answered call, keeps only the last keepCalls, and numbers ids from firstId', async () => {
    const opened = await web.views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'A' }, blocks: [] } });
    expect(opened.view?.id).toBe(`V${(1_000 + 1).toString(36).toUpperCase().padStart(9, '0')}`);
    expect(seen.at(-1)).toMatchObject({ method: 'views.open', status: 200 });
    expect(seen.length).toBeGreaterThan(5);
    expect(slack.calls).toHaveLength(5);
    expect(slack.calls.at(-1)).toBe(seen.at(-1));
  });
});
