// The sandbox's local Slack keeps channels, threads, ephemerals, modals (with whose stack they are
// on) and Home tabs in the store: a second start on the same store finds all of it. A call Slack
// refuses changes nothing, in memory or in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import { rows } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { LocalSlack } from '../../src/sandbox/local-slack.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const CHANNEL = 'C0SUPPORT';
const modal = (title: string) => ({
  type: 'modal', callback_id: 'cb', title: { type: 'plain_text', text: title },
  submit: { type: 'plain_text', text: 'Save' }, blocks: [{ type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'Title' }, element: { type: 'plain_text_input', action_id: 'a' } }],
});

describe(`the sandbox's local Slack in the store (${storeName})`, () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => store?.dispose());

  const start = () => LocalSlack.start({ db: store.db, logger: silentLogger, users: { U0ALICE: { name: 'Alice' } }, channels: [CHANNEL], now: Date.now });
  const client = (s: LocalSlack) => new WebClient(s.emulator.token, { slackApiUrl: s.emulator.url, retryConfig: { retries: 0 } });

  it('survives a restart: messages, thread replies, edits, ephemerals, the modal stack and Home', async () => {
    const first = await start();
    const changes: unknown[] = [];
    first.on('change', (c) => changes.push(c));
    const web = client(first);
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'OPS-1 printer jam' });
    await web.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'taken by Alice' });
    await web.chat.update({ channel: CHANNEL, ts: parent.ts!, text: 'OPS-1 printer jam (taken)' });
    await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'only for Alice' });
    const opened = await web.views.open({ trigger_id: first.issueTrigger('U0ALICE'), view: modal('New ticket') as never });
    const pushed = await web.views.push({ trigger_id: first.issueTrigger('U0ALICE'), view: modal('Customer') as never });
    await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Your tickets*' } }] } });
    expect(first.topView('U0ALICE')?.id).toBe(pushed.view!.id);
    expect(changes).toContainEqual({ kind: 'channel', channel: CHANNEL });
    expect(changes).toContainEqual({ kind: 'user', user: 'U0ALICE' });
    await first.close();

    const second = await start();
    try {
      const msgs = second.emulator.inChannel(CHANNEL);
      expect(msgs.map((m) => m.text)).toEqual(['OPS-1 printer jam (taken)', 'taken by Alice']);
      expect(msgs[1]!.thread_ts).toBe(parent.ts);
      expect(second.emulator.ephemerals).toMatchObject([{ channel: CHANNEL, user: 'U0ALICE', text: 'only for Alice' }]);
      expect(second.stacks.get('U0ALICE')).toEqual([opened.view!.id, pushed.view!.id]);
      expect(second.topView('U0ALICE')?.title.text).toBe('Customer');
      expect(second.emulator.homeViews.get('U0ALICE')?.blocks[0].text.text).toBe('*Your tickets*');
      // The history the app reads back comes from the restored state too.
      const replies = await client(second).conversations.replies({ channel: CHANNEL, ts: parent.ts! });
      expect(replies.messages?.map((m) => m.text)).toEqual(['OPS-1 printer jam (taken)', 'taken by Alice']);
      // Closing the top modal leaves the root; closed stays closed after a restart.
      second.closeModal('U0ALICE');
      expect(second.stacks.get('U0ALICE')).toEqual([opened.view!.id]);
    } finally {
      await second.close();
    }
    const third = await start();
    expect(third.stacks.get('U0ALICE')).toEqual([opened.view!.id]);
    await third.close();
  });

  it('a call Slack refuses changes nothing, in memory or in the store', async () => {
    const s = await start();
    const before = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from sandbox_messages`);
    const stackBefore = [...(s.stacks.get('U0ALICE') ?? [])];
    try {
      const web = client(s);
      await expect(web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'no' } }] as never })).rejects.toThrow(/invalid_blocks/);
      await expect(web.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' })).rejects.toThrow(/channel_not_found/);
      await expect(web.views.open({ trigger_id: s.issueTrigger('U0ALICE'), view: { ...modal('A title much longer than twenty-four'), submit: undefined } as never })).rejects.toThrow(/invalid_arguments/);
      expect(s.stacks.get('U0ALICE')).toEqual(stackBefore);
      await s.store.flush();
      const after = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from sandbox_messages`);
      expect(after[0]!.n).toBe(before[0]!.n);
      const open = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from sandbox_views where kind = 'modal' and stack_pos is not null`);
      expect(open[0]!.n).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('shows a file shared to a channel (the review chart) as a message with the image, also after a restart', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('chart')]);
    const first = await start();
    const web = client(first);
    await web.filesUploadV2({ channel_id: CHANNEL, file: png, filename: 'review.png', title: 'November review', initial_comment: 'Monthly review' });
    const shared = first.emulator.inChannel(CHANNEL).at(-1)!;
    expect(shared.text).toBe('Monthly review');
    const image = shared.blocks!.find((b) => b.type === 'image');
    expect(image).toMatchObject({ alt_text: 'November review', title: { type: 'plain_text', text: 'November review' } });
    const fileId = decodeURIComponent(String(image.image_url).replace('/sandbox/files/', ''));
    expect(first.emulator.uploads.get(fileId)).toEqual(png);
    await first.close();
    const second = await start();
    try {
      expect(second.emulator.uploads.get(fileId)).toEqual(png);
      expect(second.emulator.inChannel(CHANNEL).at(-1)!.blocks).toEqual(shared.blocks);
    } finally {
      await second.close();
    }
  });
});
