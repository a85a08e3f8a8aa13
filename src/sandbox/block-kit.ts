/**
 * Pure Block Kit validator used by the fake Slack server.
 *
 * Slack rejects bad payloads at runtime (`invalid_blocks`, `invalid_arguments`), which is
 * exactly the class of bug a unit test with a mocked client never sees. The limits below
 * come from Slack's Block Kit reference (docs.slack.dev/reference/block-kit). Error strings
 * mimic Slack's own format: "<problem> [json-pointer:/blocks/0/text/text]".
 *
 * Returns an empty array when the payload is valid.
 */

type Surface = 'message' | 'modal' | 'home';

interface Ctx {
  surface: Surface;
  errors: string[];
  blockIds: Set<string>;
}

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

const BLOCK_TYPES = new Set([
  'actions', 'context', 'context_actions', 'divider', 'file', 'header', 'image',
  'input', 'markdown', 'rich_text', 'section', 'table', 'video',
]);

const SELECTS = [
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
];
const MULTI_SELECTS = SELECTS.map((t) => `multi_${t}`);

/** Elements that may live in an `input` block (they carry state into view_submission). */
const INPUT_ELEMENTS = new Set([
  ...SELECTS, ...MULTI_SELECTS, 'checkboxes', 'datepicker', 'datetimepicker', 'email_text_input',
  'file_input', 'number_input', 'plain_text_input', 'radio_buttons', 'rich_text_input',
  'timepicker', 'url_text_input',
]);

const ELEMENT_TYPES = new Set([...INPUT_ELEMENTS, 'button', 'overflow', 'image', 'workflow_button']);

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(ctx: Ctx, path: string, problem: string): void {
  ctx.errors.push(`${problem} [json-pointer:${path}]`);
}

/** Optional string field with a max length; `required` turns absence into an error. */
function checkString(ctx: Ctx, path: string, v: unknown, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) fail(ctx, path, 'missing required field');
    return;
  }
  if (typeof v !== 'string') return fail(ctx, path, `must be a string (got ${typeof v})`);
  if (required && v.length === 0) fail(ctx, path, 'must be more than 0 characters');
  if (v.length > max) fail(ctx, path, `must be at most ${max} characters (got ${v.length})`);
}

/**
 * Text composition object. Slack is strict about `type`: a header with a mrkdwn object,
 * or a `{ text: 'x' }` without type, is rejected as a whole message.
 */
function checkText(
  ctx: Ctx, path: string, t: unknown, max: number,
  opts: { plainOnly?: boolean; required?: boolean } = {},
): void {
  const required = opts.required ?? true;
  if (t === undefined || t === null) {
    if (required) fail(ctx, path, 'missing required text object');
    return;
  }
  if (!isObj(t)) return fail(ctx, path, 'must provide a text object');
  const allowed = opts.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (!allowed.includes(t.type)) {
    return fail(ctx, `${path}/type`, `must be ${allowed.join(' or ')} (got ${JSON.stringify(t.type)})`);
  }
  if (typeof t.text !== 'string' || t.text.length === 0) {
    return fail(ctx, `${path}/text`, 'must be more than 0 characters');
  }
  if (t.text.length > max) {
    fail(ctx, `${path}/text`, `must be at most ${max} characters (got ${t.text.length})`);
  }
}

function checkOption(ctx: Ctx, path: string, o: unknown, allowMrkdwn: boolean, allowUrl: boolean): void {
  if (!isObj(o)) return fail(ctx, path, 'option must be an object');
  checkText(ctx, `${path}/text`, o.text, 75, { plainOnly: !allowMrkdwn });
  checkString(ctx, `${path}/value`, o.value, 150, true);
  if (o.description !== undefined) checkText(ctx, `${path}/description`, o.description, 75, { plainOnly: !allowMrkdwn });
  if (allowUrl) checkString(ctx, `${path}/url`, o.url, 3000);
}

function checkOptions(
  ctx: Ctx, path: string, options: unknown, max: number,
  opts: { min?: number; mrkdwn?: boolean; url?: boolean } = {},
): void {
  if (!Array.isArray(options)) return fail(ctx, path, 'must be an array of option objects');
  const min = opts.min ?? 1;
  if (options.length < min) fail(ctx, path, `must have at least ${min} options`);
  if (options.length > max) fail(ctx, path, `must have at most ${max} options (got ${options.length})`);
  options.forEach((o, i) => checkOption(ctx, `${path}/${i}`, o, !!opts.mrkdwn, !!opts.url));
}

function checkConfirm(ctx: Ctx, path: string, c: unknown): void {
  if (c === undefined) return;
  if (!isObj(c)) return fail(ctx, path, 'confirm must be an object');
  checkText(ctx, `${path}/title`, c.title, 100, { plainOnly: true });
  checkText(ctx, `${path}/text`, c.text, 300);
  checkText(ctx, `${path}/confirm`, c.confirm, 30, { plainOnly: true });
  checkText(ctx, `${path}/deny`, c.deny, 30, { plainOnly: true });
}

function checkStaticOptions(ctx: Ctx, path: string, el: Record<string, any>): void {
  if (el.option_groups !== undefined) {
    if (!Array.isArray(el.option_groups)) return fail(ctx, `${path}/option_groups`, 'must be an array');
    if (el.option_groups.length > 100) fail(ctx, `${path}/option_groups`, 'must have at most 100 option groups');
    el.option_groups.forEach((g: any, i: number) => {
      checkText(ctx, `${path}/option_groups/${i}/label`, g?.label, 75, { plainOnly: true });
      checkOptions(ctx, `${path}/option_groups/${i}/options`, g?.options, 100);
    });
    return;
  }
  checkOptions(ctx, `${path}/options`, el.options, 100);
}

/** Type-specific rules; anything not listed only gets the generic checks. */
const ELEMENT_RULES: Record<string, (ctx: Ctx, path: string, el: Record<string, any>) => void> = {
  button(ctx, path, el) {
    checkText(ctx, `${path}/text`, el.text, 75, { plainOnly: true });
    checkString(ctx, `${path}/value`, el.value, 2000);
    checkString(ctx, `${path}/url`, el.url, 3000);
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
      fail(ctx, `${path}/style`, `must be "primary" or "danger" (got ${JSON.stringify(el.style)})`);
    }
  },
  static_select: checkStaticOptions,
  multi_static_select: checkStaticOptions,
  overflow: (ctx, path, el) => checkOptions(ctx, `${path}/options`, el.options, 5, { url: true }),
  checkboxes: (ctx, path, el) => checkOptions(ctx, `${path}/options`, el.options, 10, { mrkdwn: true }),
  radio_buttons: (ctx, path, el) => checkOptions(ctx, `${path}/options`, el.options, 10, { mrkdwn: true }),
  plain_text_input(ctx, path, el) {
    checkString(ctx, `${path}/initial_value`, el.initial_value, 3000);
    if (typeof el.max_length === 'number' && el.max_length > 3000) fail(ctx, `${path}/max_length`, 'must be at most 3000');
  },
  image(ctx, path, el) {
    if (el.image_url === undefined && el.slack_file === undefined) fail(ctx, path, 'image needs image_url or slack_file');
    checkString(ctx, `${path}/image_url`, el.image_url, 3000);
    checkString(ctx, `${path}/alt_text`, el.alt_text, 2000, true);
  },
};

function checkElement(ctx: Ctx, path: string, el: unknown, allowed?: Set<string>): void {
  if (!isObj(el)) return fail(ctx, path, 'element must be an object');
  if (!ELEMENT_TYPES.has(el.type)) return fail(ctx, `${path}/type`, `unknown element type ${JSON.stringify(el.type)}`);
  if (allowed && !allowed.has(el.type)) {
    return fail(ctx, `${path}/type`, `element type ${el.type} is not allowed here`);
  }
  checkString(ctx, `${path}/action_id`, el.action_id, 255);
  if (el.placeholder !== undefined) checkText(ctx, `${path}/placeholder`, el.placeholder, 150, { plainOnly: true });
  checkConfirm(ctx, `${path}/confirm`, el.confirm);
  ELEMENT_RULES[el.type]?.(ctx, path, el);
}

/** Slack requires action_id to be unique among the elements of the containing block. */
function checkUniqueActionIds(ctx: Ctx, path: string, elements: any[]): void {
  const seen = new Set<string>();
  elements.forEach((el, i) => {
    const id = isObj(el) ? el.action_id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id)) fail(ctx, `${path}/${i}/action_id`, `duplicate action_id ${JSON.stringify(id)} in block`);
    seen.add(id);
  });
}

function checkElementList(ctx: Ctx, path: string, elements: unknown, max: number, allowed?: Set<string>): void {
  if (!Array.isArray(elements) || elements.length === 0) return fail(ctx, path, 'must be a non-empty array');
  if (elements.length > max) fail(ctx, path, `must have at most ${max} elements (got ${elements.length})`);
  elements.forEach((el, i) => checkElement(ctx, `${path}/${i}`, el, allowed));
  checkUniqueActionIds(ctx, path, elements);
}

const BLOCK_RULES: Record<string, (ctx: Ctx, path: string, b: Record<string, any>) => void> = {
  section(ctx, path, b) {
    if (b.text === undefined && b.fields === undefined) fail(ctx, path, 'section needs text or fields');
    if (b.text !== undefined) checkText(ctx, `${path}/text`, b.text, 3000);
    if (b.fields !== undefined) {
      if (!Array.isArray(b.fields)) return fail(ctx, `${path}/fields`, 'must be an array');
      if (b.fields.length > 10) fail(ctx, `${path}/fields`, `must have at most 10 items (got ${b.fields.length})`);
      b.fields.forEach((f: unknown, i: number) => checkText(ctx, `${path}/fields/${i}`, f, 2000));
    }
    if (b.accessory !== undefined) checkElement(ctx, `${path}/accessory`, b.accessory);
  },
  header: (ctx, path, b) => checkText(ctx, `${path}/text`, b.text, 150, { plainOnly: true }),
  divider: () => undefined,
  context(ctx, path, b) {
    if (!Array.isArray(b.elements) || b.elements.length === 0) return fail(ctx, `${path}/elements`, 'must be a non-empty array');
    if (b.elements.length > 10) fail(ctx, `${path}/elements`, `must have at most 10 items (got ${b.elements.length})`);
    b.elements.forEach((el: any, i: number) => {
      const p = `${path}/elements/${i}`;
      if (isObj(el) && el.type === 'image') checkElement(ctx, p, el);
      else checkText(ctx, p, el, 3000);
    });
  },
  actions: (ctx, path, b) => checkElementList(ctx, `${path}/elements`, b.elements, 25),
  context_actions: (ctx, path, b) => {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 5) {
      fail(ctx, `${path}/elements`, 'must have 1 to 5 elements');
    }
  },
  input(ctx, path, b) {
    checkText(ctx, `${path}/label`, b.label, 2000, { plainOnly: true });
    if (b.hint !== undefined) checkText(ctx, `${path}/hint`, b.hint, 2000, { plainOnly: true });
    if (b.element === undefined) return fail(ctx, `${path}/element`, 'missing required field');
    checkElement(ctx, `${path}/element`, b.element, INPUT_ELEMENTS);
  },
  image(ctx, path, b) {
    if (b.image_url === undefined && b.slack_file === undefined) fail(ctx, path, 'image needs image_url or slack_file');
    checkString(ctx, `${path}/image_url`, b.image_url, 3000);
    checkString(ctx, `${path}/alt_text`, b.alt_text, 2000, true);
    if (b.title !== undefined) checkText(ctx, `${path}/title`, b.title, 2000, { plainOnly: true });
  },
  rich_text: (ctx, path, b) => {
    if (!Array.isArray(b.elements)) fail(ctx, `${path}/elements`, 'must be an array');
  },
  markdown: (ctx, path, b) => checkString(ctx, `${path}/text`, b.text, 12000, true),
  file: (ctx, path, b) => checkString(ctx, `${path}/external_id`, b.external_id, 255, true),
  video(ctx, path, b) {
    checkString(ctx, `${path}/alt_text`, b.alt_text, 2000, true);
    checkText(ctx, `${path}/title`, b.title, 200, { plainOnly: true });
    checkString(ctx, `${path}/video_url`, b.video_url, 3000, true);
    checkString(ctx, `${path}/thumbnail_url`, b.thumbnail_url, 3000, true);
  },
  table: (ctx, path, b) => {
    if (!Array.isArray(b.rows) || b.rows.length > 100) fail(ctx, `${path}/rows`, 'must be an array of at most 100 rows');
  },
};

function checkBlock(ctx: Ctx, path: string, b: unknown): void {
  if (!isObj(b)) return fail(ctx, path, 'block must be an object');
  if (!BLOCK_TYPES.has(b.type)) return fail(ctx, `${path}/type`, `unknown block type ${JSON.stringify(b.type)}`);
  if (b.block_id !== undefined) {
    checkString(ctx, `${path}/block_id`, b.block_id, 255);
    if (ctx.blockIds.has(b.block_id)) fail(ctx, `${path}/block_id`, `duplicate block_id ${JSON.stringify(b.block_id)}`);
    ctx.blockIds.add(b.block_id);
  }
  BLOCK_RULES[b.type]?.(ctx, path, b);
}

function checkBlocks(ctx: Ctx, path: string, blocks: unknown): void {
  if (!Array.isArray(blocks)) return fail(ctx, path, 'blocks must be an array');
  const max = MAX_BLOCKS[ctx.surface];
  if (blocks.length > max) fail(ctx, path, `no more than ${max} items allowed (got ${blocks.length})`);
  blocks.forEach((b, i) => checkBlock(ctx, `${path}/${i}`, b));
}

function newCtx(surface: Surface): Ctx {
  return { surface, errors: [], blockIds: new Set() };
}

/** Blocks of a chat.postMessage / chat.update / chat.postEphemeral / response_url message. */
export function validateMessageBlocks(blocks: unknown): string[] {
  const ctx = newCtx('message');
  checkBlocks(ctx, '/blocks', blocks);
  return ctx.errors;
}

function checkModalChrome(ctx: Ctx, view: Record<string, any>): void {
  checkText(ctx, '/view/title', view.title, 24, { plainOnly: true });
  if (view.submit !== undefined) checkText(ctx, '/view/submit', view.submit, 24, { plainOnly: true });
  if (view.close !== undefined) checkText(ctx, '/view/close', view.close, 24, { plainOnly: true });
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: any) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) fail(ctx, '/view/submit', 'submit is required when a modal contains input blocks');
}

/** A view for views.open / views.push / views.update (modal) or views.publish (home). */
export function validateView(view: unknown): string[] {
  if (!isObj(view)) return ['view must be a JSON object [json-pointer:/view]'];
  if (view.type !== 'modal' && view.type !== 'home') {
    return [`view type must be "modal" or "home" (got ${JSON.stringify(view.type)}) [json-pointer:/view/type]`];
  }
  const ctx = newCtx(view.type);
  if (view.type === 'modal') checkModalChrome(ctx, view);
  checkString(ctx, '/view/callback_id', view.callback_id, 255);
  checkString(ctx, '/view/private_metadata', view.private_metadata, 3000);
  checkString(ctx, '/view/external_id', view.external_id, 255);
  checkBlocks(ctx, '/view/blocks', view.blocks);
  return ctx.errors;
}
