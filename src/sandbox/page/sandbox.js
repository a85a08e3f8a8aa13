// The sandbox page: a small Slack client for the local Slack. State comes from /sandbox/api/state
// (per acting user), changes arrive as Server-Sent Events, and everything a person does is posted
// back for the sandbox to turn into the signed requests Slack would send. Plain JS, no build step.
import { blocks, el, mrkdwn } from './blocks.js';

const ZH = {
  'Acting as': '当前身份', Channels: '频道', 'Direct messages': '私信', Home: '主页', Reply: '回复', 'Only visible to you': '仅你可见',
  'Reply in thread': '在话题中回复', Thread: '话题', 'Close thread': '关闭话题', 'More actions': '更多操作', sandbox: '沙盒', '(optional)': '（选填）', 'Message shortcuts': '消息快捷操作',
  Cancel: '取消', Confirm: '确认', 'Message, or a command such as /ticket': '输入消息，或 /ticket 等命令', edited: '已编辑',
};
const S = { user: localStorage.getItem('sandbox.user') ?? '', place: JSON.parse(localStorage.getItem('sandbox.place') ?? '{"kind":"channel"}'), thread: null, data: null, modalKey: '', errors: {} };
const t = (s) => (S.data?.me?.locale === 'zh-CN' ? (ZH[s] ?? s) : s);
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const res = await fetch(`/sandbox/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-opsdesk-sandbox': '1' }, body: JSON.stringify({ user: S.user, ...body }) });
  return res.json();
}

function ctxFor(source) {
  return {
    users: S.data.users,
    t,
    userName: (id) => S.data.users.find((u) => u.id === id)?.name ?? (id === 'UBOT00001' ? 'opsdesk' : id),
    channelName: (id) => S.data.channels.find((c) => c.id === id)?.name ?? id,
    confirm: confirmDialog,
    onAction: (blockId, element, selected) => api('action', { source, blockId, element, selected, values: source.type === 'view' ? collectValues() : undefined }),
  };
}

async function load() {
  const q = new URLSearchParams(S.user ? { user: S.user } : {});
  if (S.place.kind === 'channel' && S.place.id) q.set('channel', S.place.id);
  if (S.thread) q.set('thread', S.thread);
  const data = await (await fetch(`/sandbox/api/state?${q}`)).json();
  if (!S.user || !data.users.some((u) => u.id === S.user)) {
    S.user = data.users[0].id;
    return load();
  }
  S.data = data;
  if (S.place.kind === 'channel' && !S.place.id) {
    S.place = { kind: 'channel', id: data.channels[0].id };
    return load();
  }
  render();
}

function render() {
  const d = S.data;
  document.documentElement.lang = d.me.locale;
  $('acting-label').textContent = t('Acting as');
  $('sandbox-label').textContent = t('sandbox');
  $('channels-heading').textContent = t('Channels');
  $('dms-heading').textContent = t('Direct messages');
  $('home-button').textContent = t('Home');
  $('message').placeholder = t('Message, or a command such as /ticket');
  const acting = $('acting');
  acting.replaceChildren(...d.users.map((u) => el('option', { value: u.id, selected: u.id === S.user }, [u.name])));
  acting.value = S.user;
  $('clock-time').textContent = new Date(d.clock.now).toLocaleString(d.me.locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: d.clock.timezone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  $('clock-time').dateTime = d.clock.now;
  const navButton = (c, label) => {
    const b = el('button', { type: 'button', class: 'nav', 'aria-current': S.place.kind === 'channel' && S.place.id === c.id ? 'page' : false }, [label]);
    b.addEventListener('click', () => go({ kind: 'channel', id: c.id }));
    return el('li', {}, [b]);
  };
  $('channel-list').replaceChildren(...d.channels.filter((c) => !c.dm).map((c) => navButton(c, `#${c.name}`)));
  $('dm-list').replaceChildren(...d.channels.filter((c) => c.dm).map((c) => navButton(c, c.name)));
  $('home-button').setAttribute('aria-current', S.place.kind === 'home' ? 'page' : 'false');
  renderMain();
  renderThread();
  renderModal();
}

function renderMain() {
  const d = S.data;
  const feed = $('feed');
  const atBottom = feed.scrollHeight - feed.scrollTop - feed.clientHeight < 40;
  if (S.place.kind === 'home') {
    $('title').textContent = t('Home');
    $('composer').hidden = true;
    feed.replaceChildren(...(d.home ? blocks(d.home.blocks, ctxFor({ type: 'view', viewId: d.home.id })) : []));
    return;
  }
  const c = d.channels.find((x) => x.id === S.place.id);
  $('title').textContent = c?.dm ? c.name : `#${c?.name ?? ''}`;
  $('composer').hidden = false;
  feed.replaceChildren(...(d.channel?.messages ?? []).map((m) => message(m, true)));
  if (atBottom) feed.scrollTop = feed.scrollHeight;
}

function message(m, inChannel) {
  const channel = S.place.id;
  const ctx = ctxFor({ type: m.ephemeral ? 'ephemeral' : 'message', channel, ts: m.ts });
  const author = m.user ? ctx.userName(m.user) : 'opsdesk';
  const when = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString(S.data.me.locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: S.data.clock.timezone, hour: '2-digit', minute: '2-digit' });
  const meta = el('div', { class: 'meta' }, [el('b', {}, [author]), when, ...(m.edited ? [` (${t('edited')})`] : [])]);
  const body = m.blocks?.length ? el('div', {}, blocks(m.blocks, ctx)) : mrkdwn(m.text, ctx);
  const parts = [meta, body];
  if (m.ephemeral) parts.unshift(el('div', { class: 'only-you' }, [t('Only visible to you')]));
  if (!m.ephemeral && S.data.shortcuts?.length) {
    const menu = el('select', { 'aria-label': t('Message shortcuts'), class: 'shortcuts' }, [el('option', { value: '' }, ['⋯']), ...S.data.shortcuts.map((x) => el('option', { value: x.callbackId }, [x.name]))]);
    menu.addEventListener('change', () => {
      if (menu.value) api('shortcut', { callbackId: menu.value, channel, ts: m.ts });
      menu.value = '';
    });
    meta.append(' ', menu);
  }
  if (inChannel && !m.ephemeral) {
    const label = m.replyCount === 0 ? t('Reply') : S.data.me.locale === 'zh-CN' ? `${m.replyCount} 条回复` : `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`;
    const b = el('button', { type: 'button', class: 'link' }, [label]);
    b.addEventListener('click', () => {
      S.thread = m.ts;
      load();
    });
    parts.push(b);
  }
  return el('article', { class: `msg${m.ephemeral ? ' ephemeral' : ''}`, 'aria-label': `${author} ${when}` }, parts);
}

function renderThread() {
  const th = S.data.thread;
  $('thread').hidden = !th;
  if (!th) return;
  $('thread-title').textContent = t('Thread');
  $('thread-close').textContent = t('Close thread');
  $('reply').setAttribute('aria-label', t('Reply in thread'));
  $('thread-feed').replaceChildren(...th.messages.map((m) => message(m, false)));
}

// ── Modals ──
let inputs = [];

function collectValues() {
  const values = {};
  for (const i of inputs) {
    const v = i.read();
    if (v === undefined) continue;
    (values[i.blockId] ??= {})[i.actionId] = { type: i.type, ...v };
  }
  return values;
}

function renderModal() {
  const root = $('modal-root');
  const v = S.data.modal;
  if (!v) {
    root.replaceChildren();
    S.modalKey = '';
    inputs = [];
    return;
  }
  const key = `${v.id}:${v.hash}`;
  if (key === S.modalKey) return showErrors();
  S.modalKey = key;
  S.errors = {};
  inputs = [];
  const ctx = { ...ctxFor({ type: 'view', viewId: v.id }), input: (b, blockId) => input(b, blockId, v) };
  const title = el('h2', { id: 'modal-title' }, [v.title?.text ?? '']);
  const form = el('form', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'modal-title' }, [title, el('div', { class: 'body' }, blocks(v.blocks, ctx))]);
  const foot = el('div', { class: 'foot' });
  const close = el('button', { type: 'button', class: 'bk' }, [v.close?.text ?? t('Cancel')]);
  close.addEventListener('click', () => api('close', { viewId: v.id }));
  foot.append(close);
  if (v.submit) foot.append(el('button', { type: 'submit', class: 'bk primary' }, [v.submit.text]));
  form.append(foot);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const res = await api('submit', { viewId: v.id, values: collectValues() });
    S.errors = res.errors ?? {};
    showErrors();
  });
  root.replaceChildren(el('div', { class: 'backdrop' }, [form]));
  form.querySelector('input, textarea, select')?.focus();
}

function showErrors() {
  for (const i of inputs) {
    const msg = S.errors[i.blockId];
    i.field.setAttribute('aria-invalid', msg ? 'true' : 'false');
    i.error.textContent = msg ?? '';
  }
}

function input(b, blockId, view) {
  const e = b.element ?? {};
  const id = `in-${blockId}`;
  const errorId = `${id}-error`;
  const labelText = b.label?.text ?? '';
  const optional = b.optional ? el('span', { class: 'hint' }, [` ${t('(optional)')}`]) : '';
  const error = el('p', { class: 'error', id: errorId, role: 'alert' });
  const hint = b.hint ? el('p', { class: 'hint', id: `${id}-hint` }, [b.hint.text]) : null;
  const described = [errorId, hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const field = el('div', { class: 'field' });
  const ph = e.placeholder?.text;
  let control;
  let read;
  const dispatch = () => b.dispatch_action && api('action', { source: { type: 'view', viewId: view.id }, blockId, element: e, selected: read(), values: collectValues() });
  const select = (options, initial) => {
    const s = el('select', { id, 'aria-describedby': described });
    s.append(el('option', { value: '' }, [ph ?? '—']));
    for (const o of options) s.append(el('option', { value: o.value, selected: o.value === initial }, [o.text.text]));
    s.addEventListener('change', dispatch);
    return s;
  };
  switch (e.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      control = e.multiline ? el('textarea', { id, rows: '4', 'aria-describedby': described }) : el('input', { id, type: e.type === 'number_input' ? 'number' : 'text', 'aria-describedby': described, placeholder: ph, step: e.is_decimal_allowed ? 'any' : '1' });
      control.value = e.initial_value ?? '';
      read = () => ({ value: control.value === '' ? null : control.value });
      break;
    }
    case 'static_select':
    case 'external_select': {
      let options = e.options ?? (e.option_groups ?? []).flatMap((g) => g.options);
      control = select(options, e.initial_option?.value);
      if (e.type === 'external_select') {
        api('options', { viewId: view.id, blockId, actionId: e.action_id, value: '' }).then((r) => {
          options = r.options ?? [];
          const keep = control.value || e.initial_option?.value;
          control.replaceChildren(el('option', { value: '' }, [ph ?? '—']), ...options.map((o) => el('option', { value: o.value, selected: o.value === keep }, [o.text.text])));
        });
      }
      read = () => {
        const o = options.find((x) => x.value === control.value) ?? (e.initial_option?.value === control.value ? e.initial_option : undefined);
        return { selected_option: o ? { text: o.text, value: o.value } : null };
      };
      break;
    }
    case 'users_select':
      control = select(S.data.users.map((u) => ({ value: u.id, text: { text: u.name } })), e.initial_user);
      read = () => ({ selected_user: control.value || null });
      break;
    case 'datepicker':
      control = el('input', { id, type: 'date', value: e.initial_date ?? '', 'aria-describedby': described });
      read = () => ({ selected_date: control.value || null });
      break;
    case 'timepicker':
      control = el('input', { id, type: 'time', value: e.initial_time ?? '', 'aria-describedby': described });
      read = () => ({ selected_time: control.value || null });
      break;
    case 'datetimepicker': {
      const local = (s) => { const d = new Date(s * 1000); return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
      control = el('input', { id, type: 'datetime-local', value: e.initial_date_time ? local(e.initial_date_time) : '', 'aria-describedby': described });
      read = () => ({ selected_date_time: control.value ? Math.floor(new Date(control.value).getTime() / 1000) : null });
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const kind = e.type === 'checkboxes' ? 'checkbox' : 'radio';
      const initial = new Set((e.initial_options ?? (e.initial_option ? [e.initial_option] : [])).map((o) => o.value));
      const boxes = (e.options ?? []).map((o, i) => {
        const box = el('input', { type: kind, name: id, id: `${id}-${i}`, value: o.value, checked: initial.has(o.value) });
        box.addEventListener('change', dispatch);
        return { o, box, label: el('label', { for: `${id}-${i}` }, [o.text.text]) };
      });
      control = el('fieldset', { 'aria-describedby': described }, [el('legend', {}, [labelText, optional]), ...boxes.map((x) => el('div', {}, [x.box, ' ', x.label]))]);
      read = () => {
        const on = boxes.filter((x) => x.box.checked).map((x) => ({ text: x.o.text, value: x.o.value }));
        return kind === 'checkbox' ? { selected_options: on } : { selected_option: on[0] ?? null };
      };
      break;
    }
    default:
      control = el('p', {}, [`[${e.type}]`]);
      read = () => undefined;
  }
  if (control.tagName !== 'FIELDSET') field.append(el('label', { for: id }, [labelText]), optional);
  field.append(control);
  if (hint) field.append(hint);
  field.append(error);
  inputs.push({ blockId, actionId: e.action_id, type: e.type, read, field, error });
  return field;
}

function confirmDialog(c) {
  return new Promise((resolve) => {
    const yes = el('button', { type: 'button', class: 'bk primary' }, [c.confirm?.text ?? t('Confirm')]);
    const no = el('button', { type: 'button', class: 'bk' }, [c.deny?.text ?? t('Cancel')]);
    const box = el('div', { class: 'backdrop' }, [
      el('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'confirm-title' }, [
        el('h2', { id: 'confirm-title' }, [c.title?.text ?? '']),
        el('div', { class: 'body' }, [mrkdwn(c.text?.text ?? '', ctxFor({ type: 'view', viewId: '' }))]),
        el('div', { class: 'foot' }, [no, yes]),
      ]),
    ]);
    const done = (v) => { box.remove(); resolve(v); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    document.body.append(box);
    yes.focus();
  });
}

// ── Wiring ──
function go(place) {
  S.place = place;
  S.thread = null;
  localStorage.setItem('sandbox.place', JSON.stringify(place));
  if (place.kind === 'home') api('home', {}).then(load);
  else load();
}

function composer(form, area, threadTs) {
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    area.value = '';
    const res = await api('send', { channel: S.place.id, text, thread_ts: threadTs() ?? undefined });
    $('composer-error').textContent = res.ok === false && res.error ? res.error : '';
    load();
  });
}

$('acting').addEventListener('change', () => {
  S.user = $('acting').value;
  localStorage.setItem('sandbox.user', S.user);
  S.modalKey = '';
  if (S.place.kind === 'home') go(S.place);
  else load();
});
$('home-button').addEventListener('click', () => go({ kind: 'home' }));
$('thread-close').addEventListener('click', () => { S.thread = null; load(); });
for (const b of document.querySelectorAll('#clock button')) {
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await api('clock', { minutes: Number(b.dataset.minutes) });
    } finally {
      b.disabled = false;
    }
    load();
  });
}
composer($('composer'), $('message'), () => null);
composer($('thread-composer'), $('reply'), () => S.thread);

let pending;
const events = new EventSource('/sandbox/events');
events.onmessage = () => {
  clearTimeout(pending);
  pending = setTimeout(load, 60);
};
if (S.place.kind === 'home') go(S.place);
else load();
