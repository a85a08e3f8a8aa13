// Ticket Block Kit: user text escaped (SPEC §4), phone masked, every surface within Slack's limits,
// in both languages (SPEC §5).
import { describe, expect, it } from 'vitest';
import type { KnownBlock, ModalView } from '@slack/types';
import { translator, type Locale } from '../../src/platform/i18n.js';
import { TICKET_STATES, type TicketState } from '../../src/modules/tickets/tickets.rules.js';
import type { TicketWithCustomer } from '../../src/modules/tickets/tickets.store.js';
import {
  assignModal,
  cancelModal,
  consentModal,
  createTicketModal,
  resolveModal,
  stepModal,
  ticketList,
  ticketMessage,
} from '../../src/modules/tickets/slack/views.js';
import { DEFAULT_CATEGORIES } from '../../src/config/opsdesk.schema.js';
import { STAGE_BIT } from '../../src/modules/sla/sla.rules.js';
import { validateMessageBlocks, validateView } from '../support/block-kit.js';

const LOCALES: Locale[] = ['en', 'zh-CN'];

function makeTicket(over: Partial<TicketWithCustomer> = {}): TicketWithCustomer {
  const createdAt = new Date('2026-05-12T02:00:00Z');
  return {
    id: 1,
    key: 'OPS-2026-1',
    customerId: 1,
    site: '12号门店',
    callerName: '王经理',
    callerPhone: '13812345678',
    product: '积分产品',
    category: 'printer',
    origin: 'slack',
    priority: 'P3',
    title: 'Receipt printer offline',
    description: 'Prints nothing since this morning.',
    expectedAt: new Date('2026-05-12T10:00:00Z'),
    state: 'new',
    assignee: null,
    createdBy: 'U0123ABCD',
    originChannel: null,
    originMessageTs: null,
    slackChannel: 'C0123SUPP',
    slackTs: '1747015200.000100',
    responseDueAt: new Date('2026-05-12T04:00:00Z'),
    resolutionDueAt: new Date('2026-05-13T02:00:00Z'),
    slaCalendar: '24x7',
    responseTargetMinutes: 120,
    resolutionTargetMinutes: 1440,
    responseWarnAt: new Date('2026-05-12T03:30:00Z'),
    resolutionWarnAt: new Date('2026-05-12T20:00:00Z'),
    resolutionStartedAt: new Date('2026-05-12T02:00:00Z'),
    pausedAt: null,
    pausedMinutes: 0,
    slaPosted: 0,
    nextCheckAt: new Date('2026-05-12T03:30:00Z'),
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    cancelledAt: null,
    cause: null,
    fix: null,
    faultCategory: null,
    cancelReason: null,
    requestKey: 'V0123VIEW',
    version: 1,
    createdAt,
    updatedAt: createdAt,
    customerName: '上海示例连锁超市',
    ...over,
  };
}

const HOSTILE = makeTicket({
  title: '<!channel> hi & bye',
  description: '<https://evil.example|click>',
  callerPhone: '13812345678',
  callerName: '<@U0BADBAD>',
  site: '<!here>',
  customerName: '<!everyone> Corp',
  product: '<https://evil.example|p>',
});

/** Every mrkdwn text in the blocks, plus the top-level `text` (which Slack renders as mrkdwn in notifications). */
function mrkdwnTexts(msg: { text: string; blocks: KnownBlock[] }): string[] {
  const out = [msg.text];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(msg.blocks);
  return out;
}

describe('ticketMessage', () => {
  for (const locale of LOCALES) {
    const tr = translator(locale);

    it(`[${locale}] contains no <!channel> and no injected link outside plain_text`, () => {
      const msg = ticketMessage(HOSTILE, tr);
      // plain_text objects are never parsed for mentions or links, so the title may stay as typed there
      const json = JSON.stringify(msg, (_k, v) => (v && typeof v === 'object' && v.type === 'plain_text' ? { type: 'plain_text' } : v));
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<https://evil');
      expect(json).toContain('&lt;!channel&gt; hi &amp; bye');
    });

    it(`[${locale}] shows the title as typed in a plain_text header`, () => {
      const header = ticketMessage(HOSTILE, tr).blocks[0] as { type: string; text: { type: string; text: string } };
      expect(header.type).toBe('header');
      expect(header.text).toMatchObject({ type: 'plain_text', text: 'OPS-2026-1 · <!channel> hi & bye' });
    });

    it(`[${locale}] escapes user text in every mrkdwn text and in the notification text`, () => {
      for (const text of mrkdwnTexts(ticketMessage(HOSTILE, tr))) {
        expect(text).not.toContain('<!channel>');
        expect(text).not.toContain('<!here>');
        expect(text).not.toContain('<!everyone>');
        expect(text).not.toContain('<@U0BADBAD>');
        expect(text).not.toContain('<https://evil');
      }
      const blocksJson = JSON.stringify(ticketMessage(HOSTILE, tr).blocks);
      expect(blocksJson).toContain('&lt;https://evil.example|click&gt;');
      expect(ticketMessage(HOSTILE, tr).text).toContain('&lt;!channel&gt; hi &amp; bye');
    });

    it(`[${locale}] shows the phone masked and never in full`, () => {
      const json = JSON.stringify(ticketMessage(HOSTILE, tr));
      expect(json).toContain('138****5678');
      expect(json).not.toContain('13812345678');
      const plus = JSON.stringify(ticketMessage(makeTicket({ callerPhone: '+86 138 1234 5678' }), tr));
      expect(plus).toContain('138****5678');
      expect(plus).not.toContain('1234 5678');
    });

    it(`[${locale}] builds valid message blocks in every state`, () => {
      for (const state of TICKET_STATES) {
        const extra: Partial<TicketWithCustomer> =
          state === 'resolved' || state === 'closed'
            ? { cause: 'Paper jam <!channel>', fix: 'Cleared & tested', resolvedAt: new Date('2026-05-12T05:00:00Z'), assignee: 'U0123ENG1', acknowledgedAt: new Date('2026-05-12T02:10:00Z') }
            : state === 'cancelled'
              ? { cancelReason: 'Duplicate of OPS-2026-2' }
              : state === 'new'
                ? {}
                : { assignee: 'U0123ENG1', acknowledgedAt: new Date('2026-05-12T02:10:00Z') };
        const msg = ticketMessage({ ...HOSTILE, state: state as TicketState, ...extra }, tr);
        expect(validateMessageBlocks(msg.blocks), state).toEqual([]);
        expect(msg.text.length).toBeGreaterThan(0);
      }
    });

    it(`[${locale}] stays valid with a 150-character title and a 3000-character description`, () => {
      const long = makeTicket({ title: '打'.repeat(150), description: 'd'.repeat(3000), originChannel: 'C0123SUPP', originMessageTs: '1747015200.000200' });
      expect(validateMessageBlocks(ticketMessage(long, tr).blocks)).toEqual([]);
      const longAscii = makeTicket({ title: 'x'.repeat(150), description: '<'.repeat(3000) });
      expect(validateMessageBlocks(ticketMessage(longAscii, tr).blocks)).toEqual([]);
    });

    it(`[${locale}] labels the state in the message's language`, () => {
      const msg = ticketMessage(makeTicket({ state: 'waiting_customer', assignee: 'U0123ENG1' }), tr);
      expect(msg.text).toContain(tr('state.waiting_customer'));
    });

    it(`[${locale}] offers no buttons on a closed ticket`, () => {
      const msg = ticketMessage(makeTicket({ state: 'closed', cause: 'c', fix: 'f' }), tr);
      expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
    });
  }
});

describe('SLA clocks on the ticket message', () => {
  const STAGE = { responseWarning: STAGE_BIT['response:warning'], responseBreach: STAGE_BIT['response:breach'], resolutionWarning: STAGE_BIT['resolution:warning'], resolutionBreach: STAGE_BIT['resolution:breach'] };
  /** The "Responds by" and "Resolves by" lines of the message's context block. */
  const clockLines = (t: TicketWithCustomer, tr: ReturnType<typeof translator>) => {
    const ctx = ticketMessage(t, tr).blocks.find((b) => b.type === 'context' && JSON.stringify(b).includes(tr('ticket.responds_by'))) as { elements: { text: string }[] } | undefined;
    const texts = ctx?.elements.map((e) => e.text) ?? [];
    return { respond: texts.find((x) => x.startsWith(tr('ticket.responds_by'))), resolve: texts.find((x) => x.startsWith(tr('ticket.resolves_by'))) };
  };
  /** Slack's date token for an instant, shown in each reader's own zone. */
  const dateToken = (at: Date) => `<!date^${at.getTime() / 1000}^`;

  for (const locale of LOCALES) {
    const tr = translator(locale);

    it(`[${locale}] gives both due times as Slack date tokens, read in the viewer's zone`, () => {
      const t = makeTicket();
      const { respond, resolve } = clockLines(t, tr);
      expect(respond).toBe(`${tr('ticket.responds_by')} <!date^${t.responseDueAt.getTime() / 1000}^{date_short_pretty} {time}|2026-05-12 04:00 UTC>`);
      expect(resolve).toBe(`${tr('ticket.resolves_by')} <!date^${t.resolutionDueAt.getTime() / 1000}^{date_short_pretty} {time}|2026-05-13 02:00 UTC>`);
      expect(resolve).not.toContain(tr('sla.paused'));
      expect(resolve).not.toContain(tr('sla.business_hours', { calendar: '24x7' }));
    });

    it(`[${locale}] names the business calendar the resolution clock runs on`, () => {
      const { resolve } = clockLines(makeTicket({ slaCalendar: 'business' }), tr);
      expect(resolve).toContain(tr('sla.business_hours', { calendar: 'business' }));
    });

    it(`[${locale}] marks a met response and a met resolution as done`, () => {
      const acknowledged = clockLines(makeTicket({ state: 'acknowledged', assignee: 'U0123ENG1', acknowledgedAt: new Date('2026-05-12T02:10:00Z') }), tr);
      expect(acknowledged.respond).toBe(`${tr('ticket.responds_by')} ${tr('ticket.clock_met')}`);
      expect(acknowledged.resolve).toContain(dateToken(new Date('2026-05-13T02:00:00Z')));
      const resolved = clockLines(makeTicket({ state: 'resolved', assignee: 'U0123ENG1', acknowledgedAt: new Date('2026-05-12T02:10:00Z'), resolvedAt: new Date('2026-05-12T05:00:00Z'), cause: 'c', fix: 'f' }), tr);
      expect(resolved.resolve).toBe(`${tr('ticket.resolves_by')} ${tr('ticket.clock_met')}`);
      const closed = clockLines(makeTicket({ state: 'closed', acknowledgedAt: new Date('2026-05-12T02:10:00Z'), cause: 'c', fix: 'f' }), tr);
      expect(closed.resolve).toBe(`${tr('ticket.resolves_by')} ${tr('ticket.clock_met')}`);
    });

    it(`[${locale}] shows the resolution clock paused while waiting on the customer`, () => {
      const { resolve } = clockLines(makeTicket({ state: 'waiting_customer', assignee: 'U0123ENG1', acknowledgedAt: new Date('2026-05-12T02:10:00Z'), pausedAt: new Date('2026-05-12T03:00:00Z') }), tr);
      expect(resolve).toContain(dateToken(new Date('2026-05-13T02:00:00Z')));
      expect(resolve!.endsWith(` · ${tr('sla.paused')}`)).toBe(true);
    });

    it(`[${locale}] marks warned and breached targets, a breach over its warning`, () => {
      const warned = clockLines(makeTicket({ slaPosted: STAGE.responseWarning }), tr);
      expect(warned.respond!.endsWith(` ${tr('sla.warned')}`)).toBe(true);
      expect(warned.resolve).not.toContain(tr('sla.warned'));
      const breached = clockLines(makeTicket({ slaPosted: STAGE.responseWarning | STAGE.responseBreach | STAGE.resolutionWarning | STAGE.resolutionBreach }), tr);
      expect(breached.respond!.endsWith(` ${tr('sla.breached')}`)).toBe(true);
      expect(breached.respond).not.toContain(tr('sla.warned'));
      expect(breached.resolve!.endsWith(` ${tr('sla.breached')}`)).toBe(true);
      // A breached ticket that is then paused keeps its mark and says it is paused.
      const pausedAfterBreach = clockLines(makeTicket({ state: 'waiting_customer', acknowledgedAt: new Date('2026-05-12T02:10:00Z'), slaPosted: STAGE.resolutionBreach, pausedAt: new Date('2026-05-13T03:00:00Z') }), tr);
      expect(pausedAfterBreach.resolve).toContain(`${tr('sla.breached')} · ${tr('sla.paused')}`);
    });

    it(`[${locale}] shows no clocks on a cancelled ticket`, () => {
      const { respond, resolve } = clockLines(makeTicket({ state: 'cancelled', cancelReason: 'dup' }), tr);
      expect(respond).toBeUndefined();
      expect(resolve).toBeUndefined();
    });
  }
});

describe('ticket modals', () => {
  const modals = (locale: Locale, t: TicketWithCustomer): Record<string, ModalView> => {
    const tr = translator(locale);
    return {
      create: createTicketModal({ title: t.title, description: t.description ?? undefined, categories: DEFAULT_CATEGORIES, products: ['积分产品', 'POS'], privateMetadata: '{"c":"C0123SUPP"}' }, tr),
      createNoProducts: createTicketModal({ categories: DEFAULT_CATEGORIES, products: [], privateMetadata: '' }, tr),
      assign: assignModal(t, '{"id":1}', tr),
      consent: consentModal(t, '{"id":1}', tr),
      step: stepModal(t, '王经理 <!channel>', '{"id":1}', tr),
      resolve: resolveModal(t, DEFAULT_CATEGORIES, '{"id":1}', tr),
      cancel: cancelModal(t, '{"id":1}', tr),
    };
  };

  for (const locale of LOCALES) {
    it(`[${locale}] are valid views`, () => {
      for (const [name, view] of Object.entries(modals(locale, makeTicket({ assignee: 'U0123ENG1' })))) {
        expect(validateView(view), name).toEqual([]);
      }
    });

    it(`[${locale}] stay valid for a ticket with a 150-character title and a 3000-character description`, () => {
      const long = makeTicket({ title: '打'.repeat(150), description: 'd'.repeat(3000), callerName: 'n'.repeat(60) });
      for (const [name, view] of Object.entries(modals(locale, long))) {
        expect(validateView(view), name).toEqual([]);
      }
    });

    it(`[${locale}] escape the ticket title and names in mrkdwn`, () => {
      for (const [name, view] of Object.entries(modals(locale, HOSTILE))) {
        const texts = mrkdwnTexts({ text: '', blocks: view.blocks as KnownBlock[] });
        for (const text of texts) expect(text, name).not.toContain('<!channel>');
      }
    });
  }
});

describe('ticketList', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    makeTicket({ id: i + 1, key: `OPS-2026-${i + 1}`, title: `<!channel> ticket ${i + 1} ${'t'.repeat(150)}`, assignee: i % 2 ? 'U0123ENG1' : null }),
  );

  for (const locale of LOCALES) {
    const tr = translator(locale);

    it(`[${locale}] stays within 50 blocks for 60 tickets and says how many more there are`, () => {
      const blocks = ticketList('Open tickets', many, tr);
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(validateMessageBlocks(blocks)).toEqual([]);
      expect(JSON.stringify(blocks)).toContain(tr('ticket.list.more', { count: 40 }));
      expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    });

    it(`[${locale}] shows the empty message when there is nothing open`, () => {
      const blocks = ticketList('Open tickets', [], tr);
      expect(blocks).toHaveLength(1);
      expect(JSON.stringify(blocks)).toContain(JSON.stringify(tr('ticket.list.empty')).slice(1, -1));
      expect(validateMessageBlocks(blocks)).toEqual([]);
    });
  }
});
