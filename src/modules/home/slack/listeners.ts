// The Home tab (SPEC §3.9): published when opened, refreshed on request and after a language change.
import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { createTicketModal } from '../../tickets/slack/views.js';
import type { UserLocales } from '../prefs.js';
import { HOME_ACTIONS } from './ids.js';
import { homeView, type HomeSection } from './views.js';

export function registerHomeListeners(app: BoltApp, deps: ListenerDeps, locales: UserLocales, sections: HomeSection[]): void {
  const publish = async (client: WebClient, userId: string) => {
    const locale = await locales.localeOf(userId);
    const tr = await deps.trFor(userId);
    const parts = await Promise.all(sections.map((s) => s(userId, tr)));
    await client.views.publish({ user_id: userId, view: homeView(locale, parts, tr) });
  };

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publish(client, event.user);
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.refresh, async ({ ack, body, client }) => {
    await ack();
    await publish(client, body.user.id);
  });

  app.action<BlockAction<StaticSelectAction>>(HOME_ACTIONS.locale, async ({ ack, body, action, client }) => {
    await ack();
    const locale = action.selected_option.value === 'zh-CN' ? 'zh-CN' : 'en';
    await locales.set(body.user.id, locale, deps.tickets.clock.now());
    await publish(client, body.user.id);
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.newTicket, async ({ ack, body, client }) => {
    await ack();
    const tr = await deps.trFor(body.user.id);
    const view = createTicketModal({ categories: deps.config.tickets.categories, products: deps.config.tickets.products, privateMetadata: writeMetadata({}) }, tr);
    await client.views.open({ trigger_id: body.trigger_id, view });
  });
}
