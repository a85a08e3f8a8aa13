// The fuzz corpus of test/e2e/fuzz.test.ts: a few hundred malformed Slack requests for every
// surface the manifest declares, each with the exact status expected, generated from a fixed seed
// (the same bodies on every run), and well-formed requests about ids that do not exist.
import { SUPPORT, users } from '../support/harness.js';
import type { SignOptions } from '../support/slack-client.js';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_CT = 'application/json';
const SEED = 20261125;

/** mulberry32: a small seeded generator, so every run sends the same bodies. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = seeded(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const pickSome = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => rnd() - 0.5).slice(0, n);

/** Text with the odd characters Slack users type, repeated to `length` characters. */
const odd = (length: number) => '<!channel> \u0000 é 工单 🔥 \u202e "quote" \\ %00 '.repeat(Math.ceil(length / 30)).slice(0, length);
const HUGE = 1_000_000;

// ── value pools that a field of that kind never accepts ──
const NOT_STRING = [0, -1, 3.14, 1e308, true, false, [], {}, ['a'], { id: 'x' }];
const NOT_OBJECT = [0, 'x', '', true, [1, 2], []];
const NOT_ARRAY = [0, 'x', true, {}, null];
const HUGE_ID = () => odd(300);
const HUGE_TEXT = () => 'x'.repeat(HUGE - 40) + odd(40);

type Path = (string | number)[];
/** A mutation: set the value at `path` (DELETE removes it). */
export const DELETE = Symbol('delete');
type Mutation = [Path, unknown[] | (() => unknown)];

export interface Case {
  name: string;
  body: string;
  contentType: string;
  sign?: SignOptions['sign'];
  timestampOffsetSec?: number;
  /** The exact status expected. */
  status: number;
}

export const cases: Case[] = [];
const responseUrl = (n: number) => `http://127.0.0.1:1/fuzz/${n}`; // replaced with the sink's URL when sent

export const user = { id: users.alice.id, username: 'alice', name: 'alice', team_id: 'T0FAKETEAM' };
const team = { id: 'T0FAKETEAM', domain: 'opsdesk-test' };
const UNKNOWN_ID = 999_999;

/** Harmless bases: well-formed, but about nothing that exists, so even a mutation that left one valid would write nothing. */
export const bases = {
  block_actions: () => ({
    type: 'block_actions', user, team, api_app_id: 'AFAKEAPP1', token: 'verification-token', trigger_id: '1.2.fuzz',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: SUPPORT, is_ephemeral: false },
    channel: { id: SUPPORT, name: 'support' }, response_url: responseUrl(1), state: { values: {} }, enterprise: null, is_enterprise_install: false,
    message: { type: 'message', ts: '1700000000.000100', text: '', user: 'UBOT00001' },
    actions: [{ action_id: 'ticket.take', block_id: 'b1', type: 'button', value: JSON.stringify({ id: UNKNOWN_ID, v: 1 }), action_ts: '1700000000.000200' }],
  }),
  view_submission: () => ({
    type: 'view_submission', user, team, api_app_id: 'AFAKEAPP1', token: 'verification-token', trigger_id: '1.2.fuzz', response_urls: [], enterprise: null, is_enterprise_install: false,
    view: {
      id: 'VFUZZ00001', team_id: 'T0FAKETEAM', type: 'modal', callback_id: 'ticket.cancel', hash: '1.fuzz', private_metadata: JSON.stringify({ id: UNKNOWN_ID, channel: SUPPORT }),
      state: { values: { reason: { reason: { type: 'plain_text_input', value: 'the customer withdrew it' } } } },
    },
  }),
  view_closed: () => ({
    type: 'view_closed', user, team, api_app_id: 'AFAKEAPP1', token: 'verification-token', is_cleared: false,
    view: { id: 'VFUZZ00002', team_id: 'T0FAKETEAM', type: 'modal', callback_id: 'ticket.create', hash: '1.fuzz', private_metadata: '{}', state: { values: {} } },
  }),
  block_suggestion: () => ({
    type: 'block_suggestion', user, team, api_app_id: 'AFAKEAPP1', token: 'verification-token', action_id: 'ticket.customer_pick', block_id: 'customer', value: 'zz-nobody-zz',
    container: { type: 'view', view_id: 'VFUZZ00003' }, view: { id: 'VFUZZ00003', type: 'modal', state: { values: {} } },
  }),
  message_action: () => ({
    type: 'message_action', user, team, token: 'verification-token', action_ts: '1700000000.000300', callback_id: 'fuzz.unknown', trigger_id: '1.2.fuzz',
    channel: { id: SUPPORT, name: 'support' }, response_url: responseUrl(2), message_ts: '1700000000.000100',
    message: { type: 'message', ts: '1700000000.000100', text: 'printer on fire', user: users.bob.id },
  }),
  shortcut: () => ({ type: 'shortcut', user, team, token: 'verification-token', action_ts: '1700000000.000400', callback_id: 'fuzz.unknown', trigger_id: '1.2.fuzz' }),
  event: () => ({
    token: 'verification-token', team_id: 'T0FAKETEAM', api_app_id: 'AFAKEAPP1', type: 'event_callback', event_id: 'EvFUZZ0001', event_time: 1700000000,
    authorizations: [{ enterprise_id: null, team_id: 'T0FAKETEAM', user_id: 'UBOT00001', is_bot: true, is_enterprise_install: false }],
    event: { type: 'app_home_opened', user: users.alice.id, channel: 'D0ALICE', tab: 'messages', event_ts: '1700000000.000500' },
  }),
  url_verification: () => ({ token: 'verification-token', challenge: 'fuzz-challenge-123', type: 'url_verification' }),
  command: (): Record<string, string> => ({
    token: 'verification-token', team_id: 'T0FAKETEAM', team_domain: 'opsdesk-test', channel_id: SUPPORT, channel_name: 'support', user_id: users.alice.id, user_name: 'alice',
    command: '/ticket', text: 'OPS-2099-99999', api_app_id: 'AFAKEAPP1', is_enterprise_install: 'false', response_url: responseUrl(3), trigger_id: '1.2.fuzz',
  }),
};
type Interactive = Exclude<keyof typeof bases, 'event' | 'url_verification' | 'command'>;

export function setAt(obj: any, path: Path, value: unknown): any {
  const copy = structuredClone(obj);
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  if (value === DELETE) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
  return copy;
}
export const asPayload = (p: unknown) => new URLSearchParams({ payload: typeof p === 'string' ? p : JSON.stringify(p) }).toString();
const describeValue = (v: unknown) => (v === DELETE ? 'deleted' : typeof v === 'string' && v.length > 40 ? `${v.length} chars` : JSON.stringify(v));

/** Every mutation of a base, each value of its pool or one drawn from it. */
function mutate(surface: string, base: () => any, mutations: Mutation[], send: (body: any) => { body: string; contentType: string }, status: (path: Path) => number): void {
  for (const [path, pool] of mutations) {
    const values = typeof pool === 'function' ? [pool()] : pickSome(pool, 3);
    for (const value of values) {
      const { body, contentType } = send(setAt(base(), path, value));
      cases.push({ name: `${surface} ${path.join('.')} = ${describeValue(value)}`, body, contentType, status: status(path) });
    }
  }
}

const interactiveMutations: Record<Interactive, Mutation[]> = {
  block_actions: [
    [['type'], [DELETE, ...NOT_STRING, 'interactive_message', 'dialog_submission', 'BLOCK_ACTIONS']],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['user', 'id'], [DELETE, '', ...NOT_STRING]],
    [['user', 'id'], HUGE_ID],
    [['actions'], [DELETE, [], ...NOT_ARRAY]],
    [['actions', 0], [null, ...NOT_OBJECT]],
    [['actions', 0, 'action_id'], [DELETE, '', ...NOT_STRING]],
    [['actions', 0, 'action_id'], HUGE_ID],
    [['actions', 0, 'value'], NOT_STRING],
    [['actions', 0, 'value'], HUGE_TEXT],
    [['actions', 0, 'block_id'], NOT_STRING],
    [['actions', 0, 'selected_option'], [{}, { value: 5 }, 'x', []]],
    [['channel'], [null, ...NOT_OBJECT]],
    [['channel', 'id'], [DELETE, '', ...NOT_STRING]],
    [['team'], [0, 'x', true, []]],
    [['trigger_id'], NOT_STRING],
    [['response_url'], [...NOT_STRING, 'not a url', 'ftp://example.com/x', 'javascript:alert(1)']],
    [['message'], [null, ...NOT_OBJECT]],
    [['view'], [null, ...NOT_OBJECT, {}, { id: 5 }]],
    [['function_data'], [{ execution_id: 'Fx1', inputs: {} }]],
    [['bot_access_token'], ['xwfp-fuzz']],
    [['event'], [{ type: 'app_home_opened', user: users.alice.id }, 'x']],
    [['name'], ['legacy-dialog']],
    [['command'], ['/ticket']],
  ],
  view_submission: [
    [['type'], [DELETE, ...NOT_STRING, 'view_submitted']],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['user', 'id'], [DELETE, '', ...NOT_STRING]],
    [['view'], [DELETE, null, ...NOT_OBJECT, {}]],
    [['view', 'id'], [DELETE, '', ...NOT_STRING]],
    [['view', 'id'], HUGE_ID],
    [['view', 'callback_id'], [DELETE, ...NOT_STRING]],
    [['view', 'callback_id'], HUGE_ID],
    [['view', 'state'], [DELETE, null, ...NOT_OBJECT, {}]],
    [['view', 'state', 'values'], [DELETE, null, ...NOT_OBJECT]],
    [['view', 'state', 'values', 'reason'], [null, 'x', 0, true]],
    [['view', 'state', 'values', 'reason', 'reason'], [null, 'x', 0, true]],
    [['view', 'state', 'values', 'reason', 'reason', 'value'], [0, true, [], {}]],
    [['view', 'state', 'values', 'reason', 'reason', 'value'], HUGE_TEXT],
    [['view', 'state', 'values', 'reason', 'reason', 'selected_date_time'], ['tomorrow', 1.5, {}]],
    [['view', 'state', 'values', 'reason', 'reason', 'selected_options'], ['yes', [null], [{}]]],
    [['view', 'private_metadata'], [0, true, [], { id: UNKNOWN_ID }]],
    [['view', 'private_metadata'], () => 'x'.repeat(5000)],
    [['view', 'hash'], NOT_STRING],
    [['response_urls'], ['https://x', 0, {}, [null], [{ response_url: 'nope' }]]],
    [['actions'], [[], [{ action_id: 'ticket.take' }]]],
    [['function_data'], [{ execution_id: 'Fx1' }]],
  ],
  view_closed: [
    [['type'], [DELETE, 5]],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['view'], [DELETE, null, ...NOT_OBJECT]],
    [['view', 'id'], [DELETE, ...NOT_STRING]],
    [['view', 'callback_id'], [DELETE, ...NOT_STRING]],
    [['is_cleared'], ['yes', 1, {}]],
    [['actions'], [[]]],
  ],
  block_suggestion: [
    [['type'], [DELETE, 0]],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['action_id'], [DELETE, '', ...NOT_STRING]],
    [['action_id'], HUGE_ID],
    [['value'], [DELETE, null, ...NOT_STRING]],
    [['value'], HUGE_TEXT],
    [['view'], [null, ...NOT_OBJECT]],
    [['channel'], [null, 'C1', { name: 'x' }]],
  ],
  message_action: [
    [['type'], [DELETE, 0, 'message_actions']],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['callback_id'], [DELETE, null, ...NOT_STRING]],
    [['callback_id'], HUGE_ID],
    [['channel'], [DELETE, null, ...NOT_OBJECT]],
    [['channel', 'id'], [DELETE, '', ...NOT_STRING]],
    [['message'], [DELETE, null, ...NOT_OBJECT]],
    [['message', 'ts'], [DELETE, '', ...NOT_STRING]],
    [['message', 'text'], NOT_STRING],
    [['message', 'text'], HUGE_TEXT],
    [['trigger_id'], NOT_STRING],
    [['response_url'], ['nope', 0, {}]],
  ],
  shortcut: [
    [['type'], [DELETE, 0]],
    [['user'], [DELETE, null, ...NOT_OBJECT]],
    [['user', 'id'], [DELETE, '', ...NOT_STRING]],
    [['callback_id'], [DELETE, null, ...NOT_STRING]],
    [['trigger_id'], NOT_STRING],
  ],
};

// Interactive payloads: every mutation is a 400.
for (const [surface, mutations] of Object.entries(interactiveMutations) as [Interactive, Mutation[]][]) {
  mutate(surface, bases[surface], mutations, (p) => ({ body: asPayload(p), contentType: FORM }), () => 400);
}

// The payload itself: null, other JSON values, truncated JSON, not JSON.
for (const raw of ['null', '0', '-1', 'true', '"block_actions"', '[]', '[null]', '[{"type":"block_actions"}]', '{}', '', '{', '{"type":', 'undefined', 'NaN', '\u0000']) {
  cases.push({ name: `payload=${JSON.stringify(raw)}`, body: asPayload(raw), contentType: FORM, status: 400 });
}
for (const surface of Object.keys(interactiveMutations) as Interactive[]) {
  const json = JSON.stringify(bases[surface]());
  for (let i = 0; i < 3; i++) {
    const cut = 1 + Math.floor(rnd() * (json.length - 2));
    cases.push({ name: `${surface} payload truncated at ${cut}/${json.length}`, body: asPayload(json.slice(0, cut)), contentType: FORM, status: 400 });
  }
}
cases.push({ name: 'two payload fields', body: `${asPayload(bases.block_actions())}&${asPayload(bases.block_actions())}`, contentType: FORM, status: 400 });

// Slash commands: every field a string, so missing, repeated, empty, oversized or mis-shaped.
export const commandForm = (fields: Record<string, string | string[]>) => {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  return form.toString();
};
for (const field of ['text', 'user_id', 'channel_id', 'team_id']) {
  const fields: Record<string, string | string[]> = bases.command();
  delete fields[field];
  cases.push({ name: `command without ${field}`, body: commandForm(fields), contentType: FORM, status: 400 });
  cases.push({ name: `command with ${field} twice`, body: commandForm({ ...bases.command(), [field]: ['a', 'b'] }), contentType: FORM, status: 400 });
}
for (const [name, fields, status] of [
  ['command without command', (() => { const f: Record<string, string> = bases.command(); delete f.command; return f; })(), 400],
  ['command twice', { ...bases.command(), command: ['/ticket', '/visit'] }, 400],
  ['command without the slash', { ...bases.command(), command: 'ticket' }, 400],
  ['command with a space', { ...bases.command(), command: '/ticket list' }, 400],
  ['command of 300 characters', { ...bases.command(), command: `/${'x'.repeat(299)}` }, 400],
  ['command text of 1 MB', { ...bases.command(), text: HUGE_TEXT() }, 400],
  ['command user_id empty', { ...bases.command(), user_id: '' }, 400],
  ['command user_id of 300 characters', { ...bases.command(), user_id: HUGE_ID() }, 400],
  ['command response_url not a URL', { ...bases.command(), response_url: 'hooks.slack.com' }, 400],
  ['command is_enterprise_install maybe', { ...bases.command(), is_enterprise_install: 'maybe' }, 400],
  ['command with an event field', { ...bases.command(), event: 'app_home_opened' }, 400],
  ['command with payload=null', { ...bases.command(), payload: 'null' }, 400],
  ['form with neither payload nor command', { hello: 'world' }, 400],
  ['empty form', {}, 400],
] as [string, Record<string, string | string[]>, number][]) {
  cases.push({ name, body: commandForm(fields), contentType: FORM, status });
}

// Events: an event_callback the app cannot use is taken (200) and dropped, so Slack does not retry it.
mutate('event', bases.event, [
  [['event'], [null, ...NOT_OBJECT, {}]],
  [['event', 'type'], [DELETE, ...NOT_STRING, 'message', 'function_executed', 'app_mention', 'member_joined_channel']],
  [['event', 'user'], [DELETE, '', ...NOT_STRING]],
  [['event', 'user'], HUGE_ID],
  [['event', 'channel'], [null, ...NOT_STRING]],
  [['event', 'tab'], NOT_STRING],
  [['event', 'item'], [null, 'x', { channel: 'C1' }]],
  [['event', 'subteam'], [null]],
  [['event', 'channel_id'], ['C1']],
  [['authorizations'], [...NOT_ARRAY, [null], [{ team_id: 5 }]]],
  [['team_id'], NOT_STRING],
  [['function_data'], [{ execution_id: 'Fx1' }]],
  [['bot_access_token'], ['xwfp-fuzz']],
], (e) => ({ body: JSON.stringify(e), contentType: JSON_CT }), () => 200);
mutate('event envelope', bases.event, [[['type'], [DELETE, ...NOT_STRING]]], (e) => ({ body: JSON.stringify(e), contentType: JSON_CT }), () => 400);
for (const type of ['app_rate_limited', 'event_callback_v2', 'unknown']) {
  cases.push({ name: `JSON envelope type ${type}`, body: JSON.stringify({ ...bases.event(), type }), contentType: JSON_CT, status: 200 });
}
for (const raw of ['null', '0', '"event_callback"', 'true', '[]', '[{}]', '{}', '', '{', '}', 'type=event_callback', '\u0000']) {
  cases.push({ name: `JSON body ${JSON.stringify(raw)}`, body: raw, contentType: JSON_CT, status: 400 });
}
{
  const json = JSON.stringify(bases.event());
  for (let i = 0; i < 4; i++) {
    const cut = 1 + Math.floor(rnd() * (json.length - 2));
    cases.push({ name: `event truncated at ${cut}/${json.length}`, body: json.slice(0, cut), contentType: JSON_CT, status: 400 });
  }
}
cases.push({ name: 'an interactive payload sent as JSON', body: JSON.stringify(bases.block_actions()), contentType: JSON_CT, status: 400 });

// url_verification: its challenge must be there, and a string.
mutate('url_verification', bases.url_verification, [[['challenge'], [DELETE, '', ...NOT_STRING]], [['challenge'], HUGE_ID]], (b) => ({ body: JSON.stringify(b), contentType: JSON_CT }), () => 400);

// Content types: neither a form nor JSON is a 415; a form read as JSON or JSON read as a form is a 400.
for (const surface of ['block_actions', 'view_submission', 'message_action'] as const) {
  for (const ct of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', '']) {
    cases.push({ name: `${surface} as ${JSON.stringify(ct)}`, body: asPayload(bases[surface]()), contentType: ct, status: 415 });
  }
  cases.push({ name: `${surface} form body labelled JSON`, body: asPayload(bases[surface]()), contentType: JSON_CT, status: 400 });
}
cases.push({ name: 'command labelled text/plain', body: commandForm(bases.command()), contentType: 'text/plain', status: 415 });
cases.push({ name: 'event labelled text/plain', body: JSON.stringify(bases.event()), contentType: 'text/plain', status: 415 });
cases.push({ name: 'event sent as a form', body: JSON.stringify(bases.event()), contentType: FORM, status: 400 });

// Signatures: whatever the body, unsigned, wrongly signed or stale is a 401 (a sample of the above).
for (const c of pickSome(cases, 30)) {
  const variant = pick([{ sign: 'none' as const }, { sign: 'wrong' as const }, { timestampOffsetSec: -400 }, { timestampOffsetSec: 400 }]);
  cases.push({ ...c, name: `${c.name} — ${JSON.stringify(variant)}`, ...variant, status: 401 });
}

/** Well-formed requests about things that do not exist: answered (200), explained where it helps, and nothing written. */
export const unknownIds: { name: string; body: string; contentType: string }[] = [
  ...[
    ['/nope', 'anything'],
    ['/ticket', 'OPS-2099-99999'],
    ['/visit', 'VO-2099-99999'],
    ['/ticket', 'help'],
  ].map(([command, text]) => ({ name: `command ${command} ${text}`, body: commandForm({ ...bases.command(), command: command!, text: text! }), contentType: FORM })),
  ...[
    ['fuzz.unknown', '{}'],
    ['ticket.take', JSON.stringify({ id: UNKNOWN_ID, v: 1 })],
    ['ticket.close', JSON.stringify({ id: UNKNOWN_ID, v: 1 })],
    ['ticket.phone', JSON.stringify({ id: UNKNOWN_ID })],
    ['ticket.take', 'not json'],
    ['ticket.take', JSON.stringify({ id: 'one' })],
    ['visit.accept', JSON.stringify({ id: UNKNOWN_ID, v: 1 })],
    ['visit.phone', JSON.stringify({ id: UNKNOWN_ID })],
    ['oncall.cover.accept', JSON.stringify({ id: UNKNOWN_ID })],
    ['oncall.page.take', JSON.stringify({ id: UNKNOWN_ID })],
    ['patrol.claim', JSON.stringify({ id: UNKNOWN_ID, v: 1 })],
    ['review.post', '2099-13'],
  ].map(([actionId, value]) => ({
    name: `block_actions ${actionId} ${value}`,
    body: asPayload(setAt(bases.block_actions(), ['actions', 0], { action_id: actionId, block_id: 'b1', type: 'button', value })),
    contentType: FORM,
  })),
  ...[
    ['fuzz.unknown', {}],
    ['ticket.cancel', { id: UNKNOWN_ID, channel: SUPPORT }],
    ['ticket.create', { channel: SUPPORT }],
    ['visit.cancel', { id: UNKNOWN_ID, channel: SUPPORT }],
  ].map(([callbackId, meta]) => ({
    name: `view_submission ${callbackId as string}`,
    body: asPayload(setAt(setAt(bases.view_submission(), ['view', 'callback_id'], callbackId), ['view', 'private_metadata'], JSON.stringify(meta))),
    contentType: FORM,
  })),
  { name: 'view_closed', body: asPayload(bases.view_closed()), contentType: FORM },
  { name: 'block_suggestion nobody', body: asPayload(bases.block_suggestion()), contentType: FORM },
  { name: 'block_suggestion unknown action', body: asPayload({ ...bases.block_suggestion(), action_id: 'fuzz.unknown' }), contentType: FORM },
  { name: 'message shortcut unknown', body: asPayload(bases.message_action()), contentType: FORM },
  { name: 'global shortcut unknown', body: asPayload(bases.shortcut()), contentType: FORM },
  { name: 'global shortcut open_ticket (the manifest declares only the message one)', body: asPayload({ ...bases.shortcut(), callback_id: 'open_ticket' }), contentType: FORM },
  { name: 'app_home_opened on the messages tab', body: JSON.stringify(bases.event()), contentType: JSON_CT },
];
