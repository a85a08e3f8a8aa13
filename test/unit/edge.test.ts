// The edge validator (src/slack/edge.ts): every surface the manifest declares, what passes to Bolt
// and what is answered at once (400, 415, or a 200 that ignores it).
import { describe, expect, it } from 'vitest';
import { boltKind, checkSlackBody, isSslCheck, mediaType, type EdgeVerdict } from '../../src/slack/edge.js';

const user = { id: 'U0ALICE', name: 'alice', team_id: 'T0TEAM' };
const team = { id: 'T0TEAM', domain: 'x' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (p: unknown) => form({ payload: JSON.stringify(p) });

const valid = {
  command: { command: '/ticket', text: 'printer', user_id: 'U0ALICE', user_name: 'alice', channel_id: 'C0GEN', team_id: 'T0TEAM', trigger_id: '1.2.abc', response_url: 'https://hooks.slack.com/commands/T/1/x' },
  block_actions: {
    type: 'block_actions', user, team, trigger_id: '1.2.abc', channel: { id: 'C0GEN', name: 'general' }, response_url: 'https://hooks.slack.com/actions/T/1/x',
    container: { type: 'message' }, message: { ts: '1.2', text: '' }, actions: [{ action_id: 'ticket.take', block_id: 'b', type: 'button', value: '{"id":1}', action_ts: '1.2' }],
  },
  view_submission: {
    type: 'view_submission', user, team, trigger_id: '1.2.abc', response_urls: [],
    view: { id: 'V1', callback_id: 'ticket.create', private_metadata: '{}', hash: 'h', state: { values: { title: { value: { type: 'plain_text_input', value: 'x' } } } } },
  },
  view_closed: { type: 'view_closed', user, team, view: { id: 'V1', callback_id: 'ticket.create', state: { values: {} } }, is_cleared: false },
  block_suggestion: { type: 'block_suggestion', user, team, action_id: 'ticket.customer_pick', block_id: 'customer', value: 'acme', view: { id: 'V1' } },
  message_action: {
    type: 'message_action', user, team, callback_id: 'open_ticket', trigger_id: '1.2.abc', channel: { id: 'C0GEN', name: 'general' },
    message: { type: 'message', ts: '1.2', text: 'printer on fire' }, response_url: 'https://hooks.slack.com/app/T/1/x',
  },
  shortcut: { type: 'shortcut', user, team, callback_id: 'open_ticket', trigger_id: '1.2.abc' },
  event: {
    type: 'event_callback', team_id: 'T0TEAM', event_id: 'Ev1', authorizations: [{ team_id: 'T0TEAM', enterprise_id: null, user_id: 'UBOT', is_enterprise_install: false }],
    event: { type: 'app_home_opened', user: 'U0ALICE', channel: 'D1', tab: 'home', event_ts: '1.2' },
  },
};

const status = (v: EdgeVerdict) => (v.kind === 'dispatch' ? 'dispatch' : v.status);
const formVerdict = (raw: string) => checkSlackBody('form', raw);
const jsonVerdict = (body: unknown) => checkSlackBody('json', typeof body === 'string' ? body : JSON.stringify(body));
/** A copy of `base` with the value at `path` replaced (or deleted with `undefined`). */
function withAt(base: any, path: string[], value: unknown): any {
  const copy = structuredClone(base);
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
  return copy;
}

describe('mediaType and ssl_check', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'form'],
    ['Application/X-WWW-Form-Urlencoded; charset=utf-8', 'form'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['text/plain', 'other'],
    ['multipart/form-data; boundary=x', 'other'],
    [undefined, 'other'],
  ])('%s is %s', (header, media) => expect(mediaType(header)).toBe(media));

  it('knows the unsigned ssl_check probe only as a form post', () => {
    expect(isSslCheck('form', 'ssl_check=1&token=x')).toBe(true);
    expect(isSslCheck('json', 'ssl_check=1')).toBe(false);
    expect(isSslCheck('form', 'ssl_check=0')).toBe(false);
    expect(isSslCheck('form', 'payload=%7B%7D')).toBe(false);
  });
});

describe('well-formed requests of every surface go to Bolt', () => {
  it.each([
    ['command', () => formVerdict(form(valid.command)), 'command'],
    ['block_actions', () => formVerdict(payload(valid.block_actions)), 'block_actions'],
    ['view_submission', () => formVerdict(payload(valid.view_submission)), 'view_submission'],
    ['view_closed', () => formVerdict(payload(valid.view_closed)), 'view_closed'],
    ['block_suggestion', () => formVerdict(payload(valid.block_suggestion)), 'options'],
    ['message shortcut', () => formVerdict(payload(valid.message_action)), 'shortcut'],
    ['global shortcut', () => formVerdict(payload(valid.shortcut)), 'shortcut'],
    ['app_home_opened', () => jsonVerdict(valid.event), 'event'],
  ])('%s', (_name, verdict, surface) => {
    const v = verdict();
    expect(v).toMatchObject({ kind: 'dispatch', surface });
  });

  it('keeps fields it does not know (Slack adds fields over time)', () => {
    const v = formVerdict(payload({ ...valid.block_actions, brand_new_field: { anything: [1, 2] } }));
    expect(v.kind).toBe('dispatch');
    if (v.kind === 'dispatch') expect(v.body.brand_new_field).toEqual({ anything: [1, 2] });
  });

  it('takes a shortcut or a button without a trigger_id (the listener explains instead of opening a modal)', () => {
    expect(status(formVerdict(payload(withAt(valid.message_action, ['trigger_id'], undefined))))).toBe('dispatch');
    expect(status(formVerdict(payload(withAt(valid.block_actions, ['trigger_id'], undefined))))).toBe('dispatch');
    expect(status(formVerdict(form({ ...valid.command, trigger_id: '' })))).toBe('dispatch');
  });
});

describe('malformed interactive payloads are a 400', () => {
  it.each([
    ['payload=null', form({ payload: 'null' })],
    ['payload is a number', form({ payload: '42' })],
    ['payload is a string', form({ payload: '"block_actions"' })],
    ['payload is an array', form({ payload: '[{"type":"block_actions"}]' })],
    ['truncated JSON', form({ payload: JSON.stringify(valid.block_actions).slice(0, 80) })],
    ['two payload fields', `${payload(valid.block_actions)}&${payload(valid.block_actions)}`],
    ['no type', payload(withAt(valid.block_actions, ['type'], undefined))],
    ['unknown type', payload({ ...valid.block_actions, type: 'interactive_message' })],
    ['type is a number', payload({ ...valid.block_actions, type: 7 })],
    ['block_actions without actions', payload(withAt(valid.block_actions, ['actions'], undefined))],
    ['block_actions with no action', payload({ ...valid.block_actions, actions: [] })],
    ['block_actions with actions not a list', payload({ ...valid.block_actions, actions: 'ticket.take' })],
    ['an action without action_id', payload({ ...valid.block_actions, actions: [{ value: '1' }] })],
    ['an action_id that is a number', payload({ ...valid.block_actions, actions: [{ action_id: 5 }] })],
    ['an action that is null', payload({ ...valid.block_actions, actions: [null] })],
    ['a button value of 1 MB', payload({ ...valid.block_actions, actions: [{ action_id: 'ticket.take', value: 'x'.repeat(1_000_000) }] })],
    ['block_actions without user', payload(withAt(valid.block_actions, ['user'], undefined))],
    ['user is null', payload({ ...valid.block_actions, user: null })],
    ['user id is a number', payload({ ...valid.block_actions, user: { id: 42 } })],
    ['user id is empty', payload({ ...valid.block_actions, user: { id: '' } })],
    ['channel is null', payload({ ...valid.block_actions, channel: null })],
    ['channel without id', payload({ ...valid.block_actions, channel: { name: 'general' } })],
    ['team is a number', payload({ ...valid.block_actions, team: 5 })],
    ['response_url is not a URL', payload({ ...valid.block_actions, response_url: 'not a url' })],
    ['response_url is javascript:', payload({ ...valid.block_actions, response_url: 'javascript:alert(1)' })],
    ['function_data present', payload({ ...valid.block_actions, function_data: { execution_id: 'Fx1' } })],
    ['bot_access_token present', payload({ ...valid.block_actions, bot_access_token: 'xwfp-1' })],
    ['block_actions that also carries an event', payload({ ...valid.block_actions, event: { type: 'app_home_opened' } })],
    ['block_actions that also carries a name', payload({ ...valid.block_actions, name: 'legacy' })],
    ['view_submission without view', payload(withAt(valid.view_submission, ['view'], undefined))],
    ['view_submission with view null', payload({ ...valid.view_submission, view: null })],
    ['view_submission without view.state', payload(withAt(valid.view_submission, ['view', 'state'], undefined))],
    ['view_submission with state.values null', payload(withAt(valid.view_submission, ['view', 'state', 'values'], null))],
    ['view_submission with a block that is a string', payload(withAt(valid.view_submission, ['view', 'state', 'values', 'title'], 'x'))],
    ['view_submission with an input value that is a number', payload(withAt(valid.view_submission, ['view', 'state', 'values', 'title', 'value', 'value'], 5))],
    ['view_submission with a selected_option without value', payload(withAt(valid.view_submission, ['view', 'state', 'values', 'title', 'value'], { selected_option: {} }))],
    ['view_submission with a date_time as text', payload(withAt(valid.view_submission, ['view', 'state', 'values', 'title', 'value'], { selected_date_time: 'tomorrow' }))],
    ['view_submission without callback_id', payload(withAt(valid.view_submission, ['view', 'callback_id'], undefined))],
    ['view_submission with a callback_id that is a number', payload(withAt(valid.view_submission, ['view', 'callback_id'], 1))],
    ['view_submission without view id', payload(withAt(valid.view_submission, ['view', 'id'], undefined))],
    ['view_submission with private_metadata an object', payload(withAt(valid.view_submission, ['view', 'private_metadata'], { id: 1 }))],
    ['view_submission with 1 MB of private_metadata', payload(withAt(valid.view_submission, ['view', 'private_metadata'], 'x'.repeat(1_000_000)))],
    ['view_submission with response_urls a string', payload({ ...valid.view_submission, response_urls: 'https://x' })],
    ['view_submission that also carries actions', payload({ ...valid.view_submission, actions: [] })],
    ['view_closed without view', payload(withAt(valid.view_closed, ['view'], undefined))],
    ['view_closed with is_cleared a string', payload({ ...valid.view_closed, is_cleared: 'yes' })],
    ['block_suggestion without value', payload(withAt(valid.block_suggestion, ['value'], undefined))],
    ['block_suggestion with value null', payload({ ...valid.block_suggestion, value: null })],
    ['block_suggestion without action_id', payload(withAt(valid.block_suggestion, ['action_id'], undefined))],
    ['message shortcut without channel', payload(withAt(valid.message_action, ['channel'], undefined))],
    ['message shortcut without message', payload(withAt(valid.message_action, ['message'], undefined))],
    ['message shortcut with message.ts a number', payload(withAt(valid.message_action, ['message', 'ts'], 1.2))],
    ['message shortcut with callback_id null', payload({ ...valid.message_action, callback_id: null })],
    ['global shortcut without callback_id', payload(withAt(valid.shortcut, ['callback_id'], undefined))],
  ])('%s', (_name, raw) => {
    const v = formVerdict(raw);
    expect(v).toMatchObject({ kind: 'answer', status: 400 });
  });
});

describe('malformed slash commands are a 400', () => {
  it.each([
    ['a command without the slash', { ...valid.command, command: 'ticket' }],
    ['a command with a space', { ...valid.command, command: '/ticket list' }],
    ['no text', withAt(valid.command, ['text'], undefined)],
    ['no user_id', withAt(valid.command, ['user_id'], undefined)],
    ['an empty user_id', { ...valid.command, user_id: '' }],
    ['no channel_id', withAt(valid.command, ['channel_id'], undefined)],
    ['no team_id', withAt(valid.command, ['team_id'], undefined)],
    ['text of 1 MB', { ...valid.command, text: 'x'.repeat(1_000_000) }],
    ['a response_url that is not a URL', { ...valid.command, response_url: '%%%' }],
    ['is_enterprise_install not a boolean word', { ...valid.command, is_enterprise_install: 'maybe' }],
    ['an event field (Bolt would read it as an event)', { ...valid.command, event: 'x' }],
  ])('%s', (_name, fields) => {
    expect(formVerdict(form(fields as Record<string, string>))).toMatchObject({ kind: 'answer', status: 400, surface: 'command' });
  });

  it('refuses a field sent twice (it arrives as a list)', () => {
    expect(formVerdict(`${form(valid.command)}&user_id=U0BOB`)).toMatchObject({ kind: 'answer', status: 400 });
  });

  it('refuses a form that is neither a payload nor a command', () => {
    expect(formVerdict('hello=world')).toMatchObject({ kind: 'answer', status: 400, surface: 'unknown' });
    expect(formVerdict(form(withAt(valid.command, ['command'], undefined)))).toMatchObject({ kind: 'answer', status: 400, surface: 'unknown' });
    expect(formVerdict('')).toMatchObject({ kind: 'answer', status: 400 });
  });
});

describe('JSON bodies: url_verification and events', () => {
  it('answers url_verification with its challenge', () => {
    expect(jsonVerdict({ type: 'url_verification', challenge: 'abc123', token: 'x' })).toMatchObject({ kind: 'answer', status: 200, json: { challenge: 'abc123' } });
  });

  it.each([
    ['no challenge', { type: 'url_verification' }],
    ['a challenge that is a number', { type: 'url_verification', challenge: 5 }],
    ['a challenge of 1 MB', { type: 'url_verification', challenge: 'x'.repeat(1_000_000) }],
    ['null', null],
    ['a number', 7],
    ['an array', [valid.event]],
    ['no type', { event: valid.event.event }],
    ['a type that is a number', { type: 1 }],
    ['an interactive payload sent as JSON', valid.block_actions],
    ['truncated JSON', JSON.stringify(valid.event).slice(0, 50)],
    ['not JSON at all', 'type=event_callback'],
  ])('400 for %s', (_name, body) => {
    expect(jsonVerdict(body)).toMatchObject({ kind: 'answer', status: 400 });
  });

  it.each([
    ['an event type the app does not subscribe to', withAt(valid.event, ['event', 'type'], 'message')],
    ['function_executed (no such surface)', withAt(valid.event, ['event'], { type: 'function_executed', function_execution_id: 'Fx1', bot_access_token: 'xwfp' })],
    ['an event without a type', withAt(valid.event, ['event', 'type'], undefined)],
    ['an event that is null', { ...valid.event, event: null }],
    ['an event that is a string', { ...valid.event, event: 'app_home_opened' }],
    ['app_home_opened without user', withAt(valid.event, ['event', 'user'], undefined)],
    ['app_home_opened with user an object', withAt(valid.event, ['event', 'user'], { id: 'U0ALICE' })],
    ['app_home_opened with channel null', withAt(valid.event, ['event', 'channel'], null)],
    ['app_home_opened with an item Bolt would read', withAt(valid.event, ['event', 'item'], null)],
    ['authorizations holding null', { ...valid.event, authorizations: [null] }],
    ['function_data on the envelope', { ...valid.event, function_data: { execution_id: 'Fx1' } }],
    ['an envelope type Slack may add (app_rate_limited)', { type: 'app_rate_limited', team_id: 'T0TEAM', minute_rate_limited: 1 }],
  ])('200, ignored: %s', (_name, body) => {
    expect(jsonVerdict(body)).toMatchObject({ kind: 'answer', status: 200, surface: 'event' });
  });
});

describe('other content types', () => {
  it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml', undefined])('415 for %j', (header) => {
    expect(checkSlackBody(mediaType(header), payload(valid.block_actions))).toMatchObject({ kind: 'answer', status: 415 });
  });
});

describe('boltKind mirrors how Bolt classifies a body', () => {
  it.each([
    [{ event: {}, command: '/x' }, 'event'],
    [{ command: '/x', name: 'n' }, 'command'],
    [{ type: 'block_actions', name: 'n', actions: [] }, 'options'],
    [{ type: 'view_submission', actions: [] }, 'action'],
    [{ type: 'message_action' }, 'shortcut'],
    [{ type: 'view_closed' }, 'view'],
    [{ type: 'something' }, undefined],
  ])('%j → %s', (body, kind) => expect(boltKind(body)).toBe(kind));
});
