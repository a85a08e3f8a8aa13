// The Home tab (SPEC §3.9): published when opened, refreshed on request and after a language change.
import type { BlockAction, StaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { requireTrigger } from '../../../slack/responses.js';
import { createTicketModal } from '../../tickets/index.js';
import type { HomeDeps } from '../home.deps.js';
import { HOME_ACTIONS } from './ids.js';
import { homeView } from './views.js';

/** Registers the Home tab: publishing it, Refresh, the language menu and New ticket. */
export function registerHomeListeners(routes: BoltApp, deps: ListenerDeps, home: HomeDeps): void {
  const publish = async (client: WebClient, userId: string) => {
    const locale = await home.locales.localeOf(userId);
    const tr = await deps.trFor(userId);
    const parts = await Promise.all(home.sections.map((s) => s(userId, tr)));
    await client.views.publish({ user_id: userId, view: homeView(locale, parts, tr) });
  };

  routes.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publish(client, event.user);
  });

  onButton(routes, deps, HOME_ACTIONS.refresh, async ({ user, client }) => {
    await publish(client, user);
  });

  routes.action<BlockAction<StaticSelectAction>>(HOME_ACTIONS.locale, async ({ ack, body, action, client }) => {
    await ack();
    const locale = action.selected_option.value === 'zh-CN' ? 'zh-CN' : 'en';
    await home.locales.set(body.user.id, locale, home.clock.now());
    await publish(client, body.user.id);
  });

  onButton(routes, deps, HOME_ACTIONS.newTicket, async ({ tr, triggerId, client }) => {
    const trigger = requireTrigger(triggerId);
    const view = createTicketModal({ categories: deps.config.tickets.categories, products: deps.config.tickets.products, privateMetadata: writeMetadata({}) }, tr);
    await client.views.open({ trigger_id: trigger, view });
  });
}
