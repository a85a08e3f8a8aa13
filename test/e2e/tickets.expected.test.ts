// The customer's expected resolution time (客户期望解决时间, SPEC §3.1): required in the form, with
// quick choices next to the picker, stored on every ticket, flagged when earlier than the SLA.
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { openTicket } from '../../src/modules/tickets/index.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { ValidationError } from '../../src/platform/errors.js';
import { validateView } from '../support/block-kit.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { openTicketViaSlack, ticketFormValues } from '../support/tickets.js';
import { counts, submit } from './tickets.support.js';

const NOW = '2026-11-25T02:00:00Z'; // Wednesday 10:00 in Asia/Shanghai
const HOUR = 3_600_000;

const messageOf = (h: ReturnType<typeof useHarness>, key: string) =>
  JSON.stringify(h.slack.posted().find((c) => c.args.channel === SUPPORT && JSON.stringify(c.args.blocks ?? []).includes(key))!.args.blocks);

describe(`the customer's expected time (${storeName})`, () => {
  const h = useHarness({ eachTestAt: NOW });
  beforeEach(() => h.slack.reset());

  it('offers the quick choices next to a date and time picker in the form', async () => {
    await h.requester.command('/ticket', '', users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(validateView(view)).toEqual([]);
    const blocks = view.blocks as { block_id: string; optional?: boolean; element: { type: string; options?: { value: string; text: { text: string } }[] } }[];
    const presets = blocks.find((b) => b.block_id === 'expected_preset')!;
    expect(presets.element.type).toBe('radio_buttons');
    expect(presets.element.options!.map((o) => [o.value, o.text.text])).toEqual([
      ['today_18', 'Today 18:00'],
      ['within_4h', 'Within 4 hours'],
      ['tomorrow_12', 'Tomorrow 12:00'],
      ['sla', 'By the SLA'],
    ]);
    const picker = blocks.find((b) => b.block_id === 'expected')!;
    expect(picker.element.type).toBe('datetimepicker');
    expect(blocks.indexOf(picker)).toBe(blocks.indexOf(presets) + 1);
  });

  it('refuses a form with neither a quick choice nor a time, on the field, and saves nothing', async () => {
    const before = await counts(h);
    const res = await submit(h, users.alice, 'ticket.create', ticketFormValues({ newCustomer: 'C', title: 'no expected time', expectedPreset: null }), { channel: SUPPORT });
    expect(res.json).toEqual({ response_action: 'errors', errors: { expected: 'Record when the customer expects it solved: pick a quick choice or a date and time.' } });
    expect(await counts(h)).toEqual(before);
  });

  it('refuses an exact time in the past, and today 18:00 once it has passed, and saves nothing', async () => {
    const before = await counts(h);
    const past = await submit(h, users.alice, 'ticket.create', ticketFormValues({ newCustomer: 'C', title: 'past', expectedAt: new Date(Date.parse(NOW) - 60_000) }), { channel: SUPPORT });
    expect(past.json).toEqual({ response_action: 'errors', errors: { expected: 'The expected time is in the past.' } });
    h.clock.set('2026-11-25T10:30:00Z'); // 18:30 in Shanghai
    const evening = await submit(h, users.alice, 'ticket.create', ticketFormValues({ newCustomer: 'C', title: 'too late today', expectedPreset: 'today_18' }), { channel: SUPPORT });
    expect(evening.json).toEqual({ response_action: 'errors', errors: { expected_preset: 'That time has already passed today: pick another choice or a date and time.' } });
    const forged = await submit(h, users.alice, 'ticket.create', ticketFormValues({ newCustomer: 'C', title: 'forged', expectedPreset: 'next_week' }), { channel: SUPPORT });
    expect(forged.json.response_action).toBe('errors');
    expect(Object.keys(forged.json.errors)).toEqual(['expected_preset']);
    expect(await counts(h)).toEqual(before);
  });

  it('turns each quick choice into a time in the team zone, and the SLA choice into the resolution due time', async () => {
    const at = (preset: string) => openTicketViaSlack(h, users.alice, { title: `preset ${preset}`, expectedPreset: preset }, { wait: false });
    expect((await at('today_18')).expectedAt.toISOString()).toBe('2026-11-25T10:00:00.000Z'); // 18:00 Shanghai
    expect((await at('within_4h')).expectedAt.getTime()).toBe(Date.parse(NOW) + 4 * HOUR);
    expect((await at('tomorrow_12')).expectedAt.toISOString()).toBe('2026-11-26T04:00:00.000Z'); // 12:00 Shanghai
    const sla = await at('sla');
    expect(sla.expectedAt).toEqual(sla.resolutionDueAt);
    expect(sla.expectedAt.getTime()).toBeGreaterThan(Date.parse(NOW));
  });

  it('lets an exact time win over a quick choice given with it', async () => {
    const exact = new Date('2026-11-27T08:30:00Z');
    const t = await openTicketViaSlack(h, users.alice, { title: 'both given', expectedPreset: 'within_4h', expectedAt: exact }, { wait: false });
    expect(t.expectedAt).toEqual(exact);
  });

  it('flags on the ticket message an expected time earlier than the SLA allows, and not one the SLA meets', async () => {
    const early = await openTicketViaSlack(h, users.alice, { title: 'wants it by tonight', priority: 'P3', expectedPreset: 'today_18' });
    expect(early.expectedAt.getTime()).toBeLessThan(early.resolutionDueAt.getTime());
    const earlyMessage = messageOf(h, early.key);
    expect(earlyMessage).toContain('Customer expects');
    expect(earlyMessage).toContain(String(Math.floor(early.expectedAt.getTime() / 1000)));
    expect(earlyMessage).toContain('earlier than the SLA allows — agree it with the customer');
    const relaxed = await openTicketViaSlack(h, users.alice, { title: 'by the SLA is fine', priority: 'P3', expectedPreset: 'sla' });
    const relaxedMessage = messageOf(h, relaxed.key);
    expect(relaxedMessage).toContain('Customer expects');
    expect(relaxedMessage).not.toContain('earlier than the SLA allows');
  });

  it('gives tickets nobody typed (patrols, alerts, follow-ups) the SLA resolution due time', async () => {
    const t = await openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Internal IT', category: 'network', priority: 'P2', title: 'from a patrol' }, users.bob.id);
    expect(t.expectedAt).toEqual(t.resolutionDueAt);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.expectedAt).toEqual(row!.resolutionDueAt);
    // The alerts module opens its tickets with origin `alert` and no expected time: the SLA's too.
    const alert = await openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Internal IT', category: 'network', priority: 'P1', title: 'from an alert' }, 'opsdesk', { origin: { kind: 'alert' } });
    expect(alert.expectedAt).toEqual(alert.resolutionDueAt);
    expect(alert.expectedAt.getTime() - alert.createdAt.getTime()).toBe(4 * HOUR);
  });

  it('refuses, in the service too, a ticket a person opens without the expected time, and writes nothing', async () => {
    const before = await counts(h);
    const attempt = openTicket(h.opsdesk.services.tickets, { newCustomerName: 'C', category: 'network', priority: 'P3', title: 'typed by a person' }, users.alice.id, { byPerson: true });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ fields: { expected: { key: 'error.expected_required' } } });
    expect(await counts(h)).toEqual(before);
  });
});
