// The edge of POST /slack/events: what a request must look like before Bolt or a listener sees it.
// Bolt trusts a signed body: `payload=null` crashes its receiver, a block_actions without `actions`
// or a view without `state` throws inside its dispatch (HTTP 500). Here every body is parsed and
// checked first (zod, on the fields Bolt and our listeners read), and the answer for anything
// unusable is decided here — a 4xx, or a 200 that ignores it — so that nothing malformed reaches a
// handler and nothing is written. Pure functions: the receiver (receiver.ts) does the HTTP.
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import type { SlackSurface } from '../platform/metrics.js';

/** What to do with a request whose signature was verified. */
export type EdgeVerdict =
  /** Hand `body` to Bolt. */
  | { kind: 'dispatch'; surface: SlackSurface; body: Record<string, unknown> }
  /** Answer at once with `status` (and `json`), Bolt never sees it: url_verification, ignored events, malformed bodies. */
  | { kind: 'answer'; surface: SlackSurface; status: 200 | 400 | 415; json?: unknown; reason: string };

export type MediaType = 'form' | 'json' | 'other';

/** The media type of a Content-Type header, parameters (`; charset=utf-8`) and case ignored. */
export function mediaType(contentType: string | string[] | undefined): MediaType {
  if (typeof contentType !== 'string') return 'other';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'application/json') return 'json';
  return 'other';
}

/**
 * Slack's `ssl_check=1` probe: a form post that carries no signature (Bolt answers it before
 * verifying, and so do we). Nothing else in such a body is ever read.
 */
export function isSslCheck(media: MediaType, raw: string): boolean {
  // Only a body that names the field is parsed: every other form post is parsed once, at the edge.
  return media === 'form' && raw.length < 4096 && (raw.startsWith('ssl_check=') || raw.includes('&ssl_check=')) && parseQuery(raw).ssl_check === '1';
}

// ── limits: Slack's documented maxima, with room to spare; anything longer is not from Slack ──
/** Ids: users, channels, teams, views, action_id/block_id/callback_id (Slack: ≤ 255). */
const ID_MAX = 255;
/** Free text: slash command text, a message's text, text inputs (Slack: a message ≤ 40 000 characters). */
const TEXT_MAX = 40_000;
/** A button's value (Slack: ≤ 2000) and a select option's value (≤ 150). */
const VALUE_MAX = 2_000;
/** A view's private_metadata (Slack: ≤ 3000). */
const METADATA_MAX = 3_000;

const id = z.string().min(1).max(ID_MAX);
const shortText = z.string().max(ID_MAX);
const text = z.string().max(TEXT_MAX);
/** response_url: where Bolt's respond() posts; an absolute http(s) URL or nothing. */
const url = z.string().max(2_000).refine((s) => /^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s), 'not an http(s) URL');
/** A key that must not be there: Bolt would act on it (function tokens) and this app declares no such surface. */
const absent = z.never().optional();

const user = z.looseObject({ id, name: shortText.optional(), username: shortText.optional(), team_id: id.optional() });
const team = z.looseObject({ id: id.optional(), enterprise_id: id.nullable().optional() }).nullable().optional();
const enterprise = z.looseObject({ id: id.optional() }).nullable().optional();
// Bolt reads `channel.id` whenever `channel` is present: null is as bad as a string here.
const channel = z.looseObject({ id, name: shortText.optional() });
const option = z.looseObject({ value: z.string().max(VALUE_MAX) });

/** One input's state in `view.state.values` (the fields view-state.ts reads). */
const elementState = z.looseObject({
  type: shortText.optional(),
  value: text.nullable().optional(),
  selected_option: option.nullable().optional(),
  selected_options: z.array(option).max(100).optional(),
  selected_user: id.nullable().optional(),
  selected_users: z.array(id).max(100).optional(),
  selected_date: shortText.nullable().optional(),
  selected_time: shortText.nullable().optional(),
  selected_date_time: z.number().int().nullable().optional(),
  selected_channel: id.nullable().optional(),
  selected_conversation: id.nullable().optional(),
});
const stateValues = z.record(shortText, z.record(shortText, elementState));
const viewBase = {
  id,
  // A modal opened without one comes back with "": the router answers it as unknown.
  callback_id: shortText,
  private_metadata: z.string().max(METADATA_MAX).optional(),
  hash: shortText.optional(),
  type: shortText.optional(),
  app_installed_team_id: id.nullable().optional(),
};

/** Keys every interactive payload shares, as Bolt reads them (team and user for its context). */
const interactive = {
  user,
  team,
  enterprise,
  api_app_id: shortText.optional(),
  is_enterprise_install: z.boolean().optional(),
  trigger_id: shortText.optional(),
  function_data: absent,
  bot_access_token: absent,
};

const blockActions = z.looseObject({
  ...interactive,
  type: z.literal('block_actions'),
  actions: z
    .array(
      z.looseObject({
        action_id: id,
        block_id: shortText.optional(),
        type: shortText.optional(),
        value: z.string().max(VALUE_MAX).optional(),
        selected_option: option.nullable().optional(),
        selected_options: z.array(option).max(100).optional(),
        selected_user: id.nullable().optional(),
        selected_date: shortText.nullable().optional(),
        selected_time: shortText.nullable().optional(),
        action_ts: shortText.optional(),
      }),
    )
    .min(1)
    .max(25),
  channel: channel.optional(),
  container: z.looseObject({}).optional(),
  message: z.looseObject({ ts: shortText.optional(), text: text.optional() }).optional(),
  view: z.looseObject({ ...viewBase, callback_id: shortText.optional(), state: z.looseObject({ values: stateValues }).optional() }).optional(),
  state: z.looseObject({ values: stateValues }).optional(),
  response_url: url.optional(),
});

const viewSubmission = z.looseObject({
  ...interactive,
  type: z.literal('view_submission'),
  view: z.looseObject({ ...viewBase, state: z.looseObject({ values: stateValues }) }),
  response_urls: z.array(z.looseObject({ response_url: url, channel_id: id.optional(), block_id: shortText.optional(), action_id: shortText.optional() })).max(10).optional(),
});

const viewClosed = z.looseObject({
  ...interactive,
  type: z.literal('view_closed'),
  view: z.looseObject({ ...viewBase, state: z.looseObject({ values: stateValues }).optional() }),
  is_cleared: z.boolean().optional(),
});

const blockSuggestion = z.looseObject({
  ...interactive,
  type: z.literal('block_suggestion'),
  action_id: id,
  block_id: shortText.optional(),
  value: z.string().max(VALUE_MAX),
  container: z.looseObject({}).optional(),
  view: z.looseObject({ id: id.optional() }).optional(),
  channel: channel.optional(),
});

const messageShortcut = z.looseObject({
  ...interactive,
  type: z.literal('message_action'),
  callback_id: shortText,
  channel,
  message: z.looseObject({ ts: id, text: text.optional(), user: id.optional() }),
  message_ts: shortText.optional(),
  response_url: url.optional(),
});

const globalShortcut = z.looseObject({ ...interactive, type: z.literal('shortcut'), callback_id: shortText });

/** A slash command: a form post, every field one string (a repeated field arrives as an array). */
const command = z.looseObject({
  command: z.string().regex(/^\/\S{1,64}$/),
  text,
  user_id: id,
  user_name: shortText.optional(),
  channel_id: id,
  channel_name: shortText.optional(),
  team_id: id,
  team_domain: shortText.optional(),
  enterprise_id: id.optional(),
  is_enterprise_install: z.enum(['true', 'false']).optional(),
  api_app_id: shortText.optional(),
  trigger_id: shortText.optional(),
  response_url: url.optional(),
});

const eventEnvelope = z.looseObject({
  type: z.literal('event_callback'),
  team_id: id.optional(),
  api_app_id: shortText.optional(),
  event_id: shortText.optional(),
  authorizations: z
    .array(z.looseObject({ team_id: id.nullable().optional(), enterprise_id: id.nullable().optional(), user_id: id.optional(), is_enterprise_install: z.boolean().optional() }))
    .max(20)
    .optional(),
  event: z.looseObject({ type: shortText }),
  function_data: absent,
  bot_access_token: absent,
});

/**
 * The events this app subscribes to (manifest.yml `bot_events`), with the fields Bolt and the
 * listener read. Bolt reads `item`, `subteam` and an object `channel` for other event types: they
 * are not allowed here, so its own helpers cannot trip over them.
 */
const EVENTS: Record<string, z.ZodType> = {
  app_home_opened: z.looseObject({
    type: z.literal('app_home_opened'),
    user: id,
    channel: id.optional(),
    tab: shortText.optional(),
    event_ts: shortText.optional(),
    view: z.looseObject({}).optional(),
    item: absent,
    subteam: absent,
    channel_id: absent,
  }),
};

/** The interactive payload types this app takes (form field `payload`), with their schema and surface. */
const INTERACTIVE: Record<string, { schema: z.ZodType; surface: SlackSurface; bolt: BoltKind }> = {
  block_actions: { schema: blockActions, surface: 'block_actions', bolt: 'action' },
  view_submission: { schema: viewSubmission, surface: 'view_submission', bolt: 'view' },
  view_closed: { schema: viewClosed, surface: 'view_closed', bolt: 'view' },
  block_suggestion: { schema: blockSuggestion, surface: 'options', bolt: 'options' },
  message_action: { schema: messageShortcut, surface: 'shortcut', bolt: 'shortcut' },
  shortcut: { schema: globalShortcut, surface: 'shortcut', bolt: 'shortcut' },
};

type BoltKind = 'event' | 'command' | 'options' | 'action' | 'shortcut' | 'view';

/**
 * How Bolt will classify a body (its `getTypeAndConversation`, in its order): a payload that says
 * `type: "view_submission"` but also carries `actions` is an action to Bolt, and then no listener
 * of ours would see it. The edge insists the two agree.
 */
export function boltKind(body: Record<string, unknown>): BoltKind | undefined {
  if (body.event !== undefined) return 'event';
  if (body.command !== undefined) return 'command';
  if (body.name !== undefined || body.type === 'block_suggestion') return 'options';
  if (body.actions !== undefined || body.type === 'dialog_submission') return 'action';
  if (body.type === 'shortcut' || body.type === 'message_action') return 'shortcut';
  if (body.type === 'view_submission' || body.type === 'view_closed') return 'view';
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a schema failed, for the log: paths and codes only, never a value from the body. */
function problems(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.code}`)
    .join('; ');
}

const reject = (surface: SlackSurface, reason: string, status: 400 | 415 = 400): EdgeVerdict => ({ kind: 'answer', surface, status, reason });
const ignore = (surface: SlackSurface, reason: string): EdgeVerdict => ({ kind: 'answer', surface, status: 200, reason });

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    // Truncated, not JSON, or nested past the parser's stack.
    return { ok: false };
  }
}

function checked(surface: SlackSurface, bolt: BoltKind, schema: z.ZodType, body: Record<string, unknown>): EdgeVerdict {
  const result = schema.safeParse(body);
  if (!result.success) return reject(surface, `malformed ${surface}: ${problems(result.error)}`);
  if (boltKind(body) !== bolt) return reject(surface, `ambiguous ${surface}: Bolt would read it as ${boltKind(body) ?? 'nothing'}`);
  return { kind: 'dispatch', surface, body };
}

/** An Events API delivery (JSON). Anything Slack sends here that this app cannot use is a 200: see events(). */
function jsonBody(raw: string): EdgeVerdict {
  const parsed = parseJson(raw);
  if (!parsed.ok) return reject('unknown', 'body is not JSON');
  const body = parsed.value;
  if (!isRecord(body) || typeof body.type !== 'string') return reject('unknown', 'JSON body without a type');
  if (body.type === 'url_verification') {
    if (typeof body.challenge !== 'string' || body.challenge.length === 0 || body.challenge.length > ID_MAX) return reject('unknown', 'url_verification without a challenge');
    return { kind: 'answer', surface: 'unknown', status: 200, json: { challenge: body.challenge }, reason: 'url_verification' };
  }
  if (Object.hasOwn(INTERACTIVE, body.type)) return reject('unknown', `a ${body.type} payload comes as a form post, not JSON`);
  if (body.type !== 'event_callback') {
    // app_rate_limited and envelope types Slack may add: taken, not retried, ignored.
    return ignore('event', `envelope type ${body.type.slice(0, 40)} ignored`);
  }
  return events(body);
}

/**
 * An event callback: a 200 whenever it is one, even when unusable. Slack retries any other answer
 * (three times, then counts failures against the subscription), and the same bytes would fail the
 * same way; an event this app does not subscribe to is taken and dropped.
 */
function events(body: Record<string, unknown>): EdgeVerdict {
  const envelope = eventEnvelope.safeParse(body);
  if (!envelope.success) return ignore('event', `malformed event envelope ignored: ${problems(envelope.error)}`);
  const type = envelope.data.event.type;
  const schema = Object.hasOwn(EVENTS, type) ? EVENTS[type] : undefined;
  if (!schema) return ignore('event', `event ${type.slice(0, 40)} is not subscribed; ignored`);
  const event = schema.safeParse(body.event);
  if (!event.success) return ignore('event', `malformed ${type} ignored: ${problems(event.error)}`);
  if (boltKind(body) !== 'event') return ignore('event', 'ambiguous event ignored');
  return { kind: 'dispatch', surface: 'event', body };
}

/** An interactive payload, parsed: one of the types this app takes, checked against its schema. */
function interactivePayload(body: unknown): EdgeVerdict {
  if (!isRecord(body)) return reject('unknown', `payload is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object`);
  const type = typeof body.type === 'string' && Object.hasOwn(INTERACTIVE, body.type) ? INTERACTIVE[body.type] : undefined;
  if (!type) return reject('unknown', typeof body.type === 'string' ? `payload type ${body.type.slice(0, 40)} is not handled` : 'payload without a type');
  return checked(type.surface, type.bolt, type.schema, body);
}

/** A form post: an interactive payload (`payload=<json>`) or a slash command. */
function formBody(raw: string): EdgeVerdict {
  const form = parseQuery(raw);
  if (form.payload !== undefined) {
    if (typeof form.payload !== 'string') return reject('unknown', 'more than one payload field');
    const parsed = parseJson(form.payload);
    if (!parsed.ok) return reject('unknown', 'payload is not JSON');
    return interactivePayload(parsed.value);
  }
  if (form.command !== undefined) return checked('command', 'command', command, { ...form });
  return reject('unknown', 'form body is neither a payload nor a slash command');
}

/**
 * The verdict on a signed body. Interactivity and slash commands are form posts, events and
 * url_verification are JSON (as Slack sends them); another content type is a 415.
 */
export function checkSlackBody(media: MediaType, raw: string): EdgeVerdict {
  if (media === 'form') return formBody(raw);
  if (media === 'json') return jsonBody(raw);
  return reject('unknown', 'content type is neither a form nor JSON', 415);
}

/** The Socket Mode envelope types that carry a request for the app (others are the connection's own). */
export const SOCKET_REQUEST_TYPES = new Set(['events_api', 'interactive', 'slash_commands']);

/**
 * The verdict on a Socket Mode envelope's payload, as on the same request over HTTP: an events_api
 * payload is the event callback, an interactive one the payload itself, a slash command its fields
 * as one object of strings. (Socket Mode has no HTTP status: an `answer` is acknowledged and dropped.)
 */
export function checkSocketPayload(type: string, payload: unknown): EdgeVerdict {
  if (type === 'interactive') return interactivePayload(payload);
  if (type === 'slash_commands') return isRecord(payload) ? checked('command', 'command', command, payload) : reject('command', 'slash command payload is not an object');
  if (type === 'events_api') {
    if (!isRecord(payload) || payload.type !== 'event_callback') return ignore('event', 'events_api payload is not an event callback');
    return events(payload);
  }
  return ignore('unknown', `envelope type ${type.slice(0, 40)} ignored`);
}
