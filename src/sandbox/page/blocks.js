// Block Kit and mrkdwn to DOM, the way Slack shows them. Everything is built with createElement and
// textContent: text from the app is never parsed as HTML, so nothing in a message can inject markup.

/** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node|string)[]} [children] */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children) node.append(c);
  return node;
}

const EMOJI = {
  red_circle: '🔴', large_orange_circle: '🟠', large_yellow_circle: '🟡', large_blue_circle: '🔵', large_green_circle: '🟢', white_circle: '⚪',
  warning: '⚠️', rotating_light: '🚨', white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', hourglass: '⌛', hourglass_flowing_sand: '⏳',
  bell: '🔔', pushpin: '📌', telephone_receiver: '📞', clipboard: '📋', wrench: '🔧', calendar: '📅', memo: '📝', lock: '🔒', link: '🔗',
  arrows_counterclockwise: '🔄', information_source: 'ℹ️', no_entry: '⛔', construction: '🚧', truck: '🚚', house: '🏠', chart_with_upwards_trend: '📈',
};
/** Slack escapes &, < and > in message text; undo that for display (as text, never markup). Known :emoji: codes become emoji. */
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
const SAFE_URL = /^(https?:|mailto:)/i;

/** mrkdwn to nodes: *bold*, _italic_, ~strike~, `code`, ```pre```, <url|text>, <@U…>, <#C…>, <!here>. */
export function mrkdwn(text, ctx) {
  const out = [];
  const parts = String(text).split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1) out.push(el('pre', {}, [unescape(part.replace(/^\n/, ''))]));
    else out.push(...inline(part, ctx));
  });
  return el('div', { class: 'mrkdwn' }, out);
}

const INLINE = /(`[^`\n]+`)|(<[^<>\n]+>)|(\*[^*\n]+\*)|(\b_[^_\n]+_\b)|(~[^~\n]+~)/;

function inline(text, ctx) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(unescape(rest));
      break;
    }
    if (m.index > 0) out.push(unescape(rest.slice(0, m.index)));
    const tok = m[0];
    const inner = tok.slice(1, -1);
    if (m[1]) out.push(el('code', {}, [unescape(inner)]));
    else if (m[2]) out.push(angle(inner, ctx));
    else if (m[3]) out.push(el('b', {}, inline(inner, ctx)));
    else if (m[4]) out.push(el('i', {}, inline(inner, ctx)));
    else out.push(el('s', {}, inline(inner, ctx)));
    rest = rest.slice(m.index + tok.length);
  }
  return out;
}

function angle(inner, ctx) {
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) return el('span', { class: 'mention' }, [`@${ctx.userName(target.slice(1))}`]);
  if (target.startsWith('#')) return el('span', { class: 'mention' }, [`#${label ?? ctx.channelName(target.slice(1))}`]);
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0];
    if (special.startsWith('date')) return document.createTextNode(unescape(label ?? ''));
    return el('span', { class: 'mention' }, [`@${special}`]);
  }
  const url = unescape(target);
  if (!SAFE_URL.test(url)) return document.createTextNode(unescape(label ?? target));
  return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, [unescape(label ?? target)]);
}

/** A text object: plain_text as text, mrkdwn through the renderer. */
export function textObj(t, ctx) {
  if (!t) return document.createTextNode('');
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : el('span', {}, [t.text]);
}

const plain = (t) => (t && typeof t.text === 'string' ? t.text : '');

/** Buttons, selects and overflow menus outside input blocks: each use is an action. */
function element(e, blockId, ctx) {
  const act = (selected) => ctx.onAction(blockId, e, selected);
  switch (e.type) {
    case 'button': {
      const b = el('button', { type: 'button', class: `bk ${e.style ?? ''}` }, [plain(e.text)]);
      b.addEventListener('click', async () => {
        if (e.url) window.open(e.url, '_blank', 'noopener');
        if (e.confirm && !(await ctx.confirm(e.confirm))) return;
        act({});
      });
      return b;
    }
    case 'overflow':
    case 'static_select':
    case 'external_select':
    case 'users_select': {
      const label = e.type === 'overflow' ? ctx.t('More actions') : plain(e.placeholder) || e.action_id;
      const s = el('select', { 'aria-label': label });
      s.append(el('option', { value: '' }, [e.type === 'overflow' ? '⋯' : label]));
      const options = e.type === 'users_select' ? ctx.users.map((u) => ({ text: { type: 'plain_text', text: u.name }, value: u.id })) : (e.options ?? (e.option_groups ?? []).flatMap((g) => g.options));
      for (const o of options) s.append(el('option', { value: o.value }, [plain(o.text)]));
      s.addEventListener('change', () => {
        const o = options.find((x) => x.value === s.value);
        if (!o) return;
        if (e.type === 'users_select') act({ selected_user: o.value });
        else act({ selected_option: { text: o.text, value: o.value } });
      });
      return s;
    }
    case 'datepicker': {
      const i = el('input', { type: 'date', 'aria-label': plain(e.placeholder) || e.action_id, value: e.initial_date ?? '' });
      i.addEventListener('change', () => act({ selected_date: i.value }));
      return i;
    }
    case 'image':
      return el('img', { src: e.image_url ?? '', alt: e.alt_text ?? '' });
    default:
      return el('span', { class: 'unsupported' }, [`[${e.type}]`]);
  }
}

/** Blocks of a message, a Home tab or a modal (input blocks go through ctx.input in modals). */
export function blocks(list, ctx) {
  const out = [];
  (list ?? []).forEach((b, i) => {
    const blockId = b.block_id ?? `b${i}`;
    switch (b.type) {
      case 'header':
        out.push(el('div', { class: 'bk-header', role: 'heading', 'aria-level': '3' }, [plain(b.text)]));
        break;
      case 'section': {
        const left = el('div', {}, []);
        if (b.text) left.append(textObj(b.text, ctx));
        if (b.fields) left.append(el('div', { class: 'bk-fields' }, b.fields.map((f) => textObj(f, ctx))));
        out.push(el('div', { class: 'bk-section' }, b.accessory ? [left, element(b.accessory, blockId, ctx)] : [left]));
        break;
      }
      case 'context':
        out.push(el('div', { class: 'bk-context' }, (b.elements ?? []).map((e) => (e.type === 'image' ? el('img', { src: e.image_url ?? '', alt: e.alt_text ?? '' }) : textObj(e, ctx)))));
        break;
      case 'divider':
        out.push(el('hr', { class: 'bk-divider' }));
        break;
      case 'image':
        out.push(el('figure', { class: 'bk-image' }, [el('img', { src: b.image_url ?? '', alt: b.alt_text ?? '' }), ...(b.title ? [el('figcaption', {}, [plain(b.title)])] : [])]));
        break;
      case 'actions':
        out.push(el('div', { class: 'bk-actions' }, (b.elements ?? []).map((e) => element(e, blockId, ctx))));
        break;
      case 'input':
        if (ctx.input) out.push(ctx.input(b, blockId));
        break;
      case 'markdown':
        out.push(el('div', { class: 'mrkdwn' }, [b.text ?? '']));
        break;
      case 'rich_text':
        out.push(el('div', { class: 'mrkdwn' }, [richText(b)]));
        break;
      default:
        out.push(el('div', { class: 'unsupported' }, [`[${b.type}]`]));
    }
  });
  return out;
}

function richText(b) {
  const texts = [];
  const walk = (n) => {
    if (!n) return;
    if (typeof n.text === 'string') texts.push(n.text);
    if (n.type === 'user') texts.push(`@${n.user_id}`);
    (n.elements ?? []).forEach(walk);
  };
  walk(b);
  return texts.join('');
}
