// The fake Slack's views (modals and the App Home), split from fake-slack.ts: views.open/push/update
// validate like Slack and keep the latest version of each view; views.publish keeps each user's home.
import { randomBytes } from 'node:crypto';
import { validateView } from './block-kit.js';
import { apiError, ok, withMessages } from './wire.js';

export interface ViewDeps {
  views: Map<string, any>;
  homeViews: Map<string, any>;
  teamId: string;
  botId: string;
  nextId(prefix: string): string;
  isUser(id: unknown): boolean;
}

export function viewMethods({ views, homeViews, teamId, botId, nextId, isUser }: ViewDeps): Record<string, (a: Record<string, any>) => Record<string, any>> {
  /** Fill in the fields Slack adds to every stored view. */
  function materializeView(view: Record<string, any>, id: string, previous?: Record<string, any>): Record<string, any> {
    return {
      team_id: teamId, private_metadata: '', callback_id: '', external_id: '', state: { values: {} },
      clear_on_close: false, notify_on_close: false, close: null, submit: null, previous_view_id: null,
      root_view_id: previous?.root_view_id ?? id, app_id: 'AFAKEAPP1', app_installed_team_id: teamId, bot_id: botId,
      ...view, id, hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    };
  }

  function viewArgError(a: Record<string, any>, type: 'modal' | 'home'): Record<string, any> | undefined {
    if (!a.view || typeof a.view !== 'object') return withMessages('invalid_arguments', ['missing required field: view [json-pointer:/view]']);
    const errors = validateView(a.view);
    if (!errors.length && a.view.type !== type) errors.push(`view type must be "${type}" for this method [json-pointer:/view/type]`);
    return errors.length ? withMessages('invalid_arguments', errors) : undefined;
  }

  function openView(a: Record<string, any>): Record<string, any> {
    if (!a.trigger_id) return withMessages('invalid_arguments', ['missing required field: trigger_id']);
    const bad = viewArgError(a, 'modal');
    if (bad) return bad;
    const view = materializeView(a.view, nextId('V'));
    views.set(view.id, view);
    return ok({ view });
  }

  function findView(a: Record<string, any>): Record<string, any> | undefined {
    if (a.view_id) return views.get(a.view_id);
    return [...views.values()].find((v) => a.external_id && v.external_id === a.external_id);
  }

  return {
    'views.open': openView,
    'views.push': openView,
    'views.update'(a) {
      if (!a.view_id && !a.external_id) return withMessages('invalid_arguments', ['view_id or external_id is required']);
      const existing = findView(a);
      if (!existing) return apiError('not_found');
      if (a.hash && a.hash !== existing.hash) return apiError('hash_conflict');
      const bad = viewArgError(a, 'modal');
      if (bad) return bad;
      const view = materializeView({ ...a.view, previous_view_id: existing.previous_view_id }, existing.id, existing);
      views.set(view.id, view);
      return ok({ view });
    },
    'views.publish'(a) {
      if (!isUser(a.user_id)) return apiError('invalid_arguments');
      const bad = viewArgError(a, 'home');
      if (bad) return bad;
      const view = materializeView(a.view, homeViews.get(a.user_id)?.id ?? nextId('V'));
      homeViews.set(a.user_id, view);
      return ok({ view });
    },
  };
}
