import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

// Under module NodeNext a default import of a CommonJS package is its whole
// module.exports; ajv-formats also sets exports.default to the plugin, which is
// the one spelling that both TypeScript and Node agree on.
const addFormats = addFormatsModule.default;

// The schema is vendored (see test/fixtures/slack-manifest-schema/README.md):
// tests must never reach outside the repository.
const SCHEMA_PATH = new URL('./fixtures/slack-manifest-schema/manifest.schema.1.0.0.json', import.meta.url);
const MANIFEST_PATH = new URL('../manifest.yml', import.meta.url);

const PRODUCT_COMMANDS = ['/ticket', '/visit', '/oncall', '/patrol', '/change', '/kb', '/review'] as const;
const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'files:write', 'channels:history', 'groups:history', 'im:history'];
const ENDS_WITH_EVENTS_PATH = /^https:\/\/[^/\s]+(\/[^\s]*)?\/slack\/events$/;

interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
}

interface Shortcut {
  name: string;
  type: 'message' | 'global';
  callback_id: string;
  description: string;
}

interface Manifest {
  _metadata?: { major_version?: number; minor_version?: number };
  display_information: { name: string; description?: string; background_color?: string; long_description?: string };
  features?: {
    app_home?: Record<string, boolean>;
    bot_user?: { display_name: string; always_online?: boolean };
    shortcuts?: Shortcut[];
    slash_commands?: SlashCommand[];
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[]; user_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string; message_menu_options_url?: string };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

function loadManifest(): Manifest {
  return parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;
}

/**
 * Compiles the vendored schema. It declares `"$schema": draft-07` and every
 * `$ref` is internal (`#/definitions/...`), so the default Ajv class is enough and
 * nothing is fetched. Rather than `strict: false` (which would silently ignore any
 * keyword Ajv does not know), the two non-standard keywords the schema uses are
 * declared: `_note` is a comment, and `regex` is what the schema uses (instead of
 * `pattern`) for display_information.background_color, so it is enforced here the
 * way Slack means it.
 */
function compileValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv); // the schema's own "$schema" property uses format "uri"
  ajv.addKeyword({ keyword: '_note', schemaType: 'string' });
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    errors: false,
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return ajv.compile(schema);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}

describe('manifest.yml', () => {
  let validate: ValidateFunction;
  let manifest: Manifest;

  beforeAll(() => {
    validate = compileValidator();
    manifest = loadManifest();
  });

  it('is valid against the Slack app manifest schema v1', () => {
    const ok = validate(manifest);
    if (!ok) console.error(`manifest.yml is invalid:\n${describeErrors(validate.errors)}`);
    expect(describeErrors(validate.errors)).toBe('');
    expect(ok).toBe(true);
  });

  it('declares manifest major version 1', () => {
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
  });

  it('has the display information Slack requires', () => {
    const info = manifest.display_information;
    expect(info.name).toBe('opsdesk');
    expect(info.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
    expect(info.long_description?.length ?? 0).toBeGreaterThanOrEqual(175);
    expect(manifest.features?.bot_user).toEqual({ display_name: 'opsdesk', always_online: true });
    expect(manifest.features?.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });

  it.each(PRODUCT_COMMANDS)('declares %s, pointing at /slack/events', (name) => {
    const commands = manifest.features?.slash_commands ?? [];
    const matching = commands.filter((c) => c.command === name);
    expect(matching).toHaveLength(1);
    const command = matching[0]!;
    expect(command.url).toMatch(ENDS_WITH_EVENTS_PATH);
    expect(command.description.length).toBeGreaterThan(0);
    expect(command.usage_hint?.length ?? 0).toBeGreaterThan(0);
    expect(command.should_escape).toBe(false);
  });

  it('declares only the product slash commands', () => {
    const names = (manifest.features?.slash_commands ?? []).map((c) => c.command);
    expect([...names].sort()).toEqual([...PRODUCT_COMMANDS].sort());
  });

  it('declares the open_ticket message shortcut', () => {
    const shortcut = (manifest.features?.shortcuts ?? []).find((s) => s.callback_id === 'open_ticket');
    expect(shortcut).toEqual({
      name: 'Open ticket',
      type: 'message',
      callback_id: 'open_ticket',
      description: 'Open an ops ticket from this message',
    });
  });

  it('points interactivity, select options and events at /slack/events', () => {
    const settings = manifest.settings;
    expect(settings?.interactivity?.is_enabled).toBe(true);
    expect(settings?.interactivity?.request_url).toMatch(ENDS_WITH_EVENTS_PATH);
    expect(settings?.interactivity?.message_menu_options_url).toMatch(ENDS_WITH_EVENTS_PATH);
    expect(settings?.event_subscriptions?.request_url).toMatch(ENDS_WITH_EVENTS_PATH);
    expect(settings?.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
    expect(settings?.org_deploy_enabled).toBe(false);
    expect(settings?.socket_mode_enabled).toBe(false);
    expect(settings?.token_rotation_enabled).toBe(false);
  });

  it('asks for exactly the bot scopes the app needs', () => {
    const bot = manifest.oauth_config?.scopes?.bot ?? [];
    expect(new Set(bot).size).toBe(bot.length);
    expect([...bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config?.scopes?.user).toBeUndefined();
  });

  it('asks for a bot scope exactly when src/ calls a Web API method that needs it', () => {
    const srcDir = new URL('../src/', import.meta.url);
    const source = (readdirSync(srcDir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(f, srcDir), 'utf8'))
      .join('\n');
    // The methods (as web-api spells the calls) that each scope grants; `commands` is for receiving.
    const needs: Record<string, RegExp> = {
      'chat:write': /\bchat\.(postMessage|update|postEphemeral)\(/,
      'im:write': /\bconversations\.open\(/,
      'files:write': /\bfilesUploadV2\(|\bfiles\.(getUploadURLExternal|completeUploadExternal)\(/,
      'users:read': /\busers\.(info|list|lookupByEmail|getPresence|profile\.get)\(|\busersInfo\b/,
      // Reading a conversation (the outbox looks for a post whose answer was lost): public and
      // private channels and DMs; opsdesk posts to no group DM, so no mpim:history.
      'channels:history': /\bconversations\.(history|replies)\(/,
      'groups:history': /\bconversations\.(history|replies)\(/,
      'im:history': /\bconversations\.(history|replies)\(/,
    };
    const bot = manifest.oauth_config?.scopes?.bot ?? [];
    for (const [scope, calls] of Object.entries(needs)) {
      expect({ scope, requested: bot.includes(scope) }).toEqual({ scope, requested: calls.test(source) });
    }
  });

  describe('the validator can fail', () => {
    it('rejects a manifest without display_information', () => {
      const { display_information: _removed, ...rest } = loadManifest();
      expect(validate(rest)).toBe(false);
      expect(validate.errors).toContainEqual(
        expect.objectContaining({ keyword: 'required', params: { missingProperty: 'display_information' } }),
      );
    });

    it('rejects an unknown top-level key', () => {
      expect(validate({ ...loadManifest(), slash_commandz: [] })).toBe(false);
      expect(validate.errors).toContainEqual(
        expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'slash_commandz' } }),
      );
    });

    it('rejects a slash command that does not start with a slash', () => {
      const bad = loadManifest();
      bad.features!.slash_commands![0]!.command = 'ticket';
      expect(validate(bad)).toBe(false);
      expect(validate.errors).toContainEqual(
        expect.objectContaining({ instancePath: '/features/slash_commands/0/command', keyword: 'pattern' }),
      );
    });

    it('enforces the schema\'s non-standard "regex" keyword on background_color', () => {
      const bad = loadManifest();
      bad.display_information.background_color = 'navy';
      expect(validate(bad)).toBe(false);
      expect(validate.errors).toContainEqual(
        expect.objectContaining({ instancePath: '/display_information/background_color', keyword: 'regex' }),
      );
    });
  });
});
