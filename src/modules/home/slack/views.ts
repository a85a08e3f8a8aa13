import type { HomeView, KnownBlock } from '@slack/types';
import type { Locale, Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, header, option } from '../../../slack/blocks.js';
import { HOME_ACTIONS } from './ids.js';

/** The Home tab: common actions, the user's language, then each module's section (≤ 100 blocks). */
export function homeView(locale: Locale, sections: KnownBlock[][], tr: Translate): HomeView {
  const languages = [option('English', 'en'), option('简体中文', 'zh-CN')];
  const blocks: KnownBlock[] = [
    header(tr('home.title')),
    {
      type: 'actions',
      block_id: 'home.actions',
      elements: [
        button(tr('home.new_ticket'), HOME_ACTIONS.newTicket, 'new', 'primary'),
        button(tr('home.refresh'), HOME_ACTIONS.refresh, 'refresh'),
        { type: 'static_select', action_id: HOME_ACTIONS.locale, placeholder: { type: 'plain_text', text: tr('home.language') }, initial_option: languages.find((l) => l.value === locale)!, options: languages },
      ],
    } as KnownBlock,
    context([tr('home.language_hint')]),
  ];
  for (const section of sections) {
    if (section.length === 0) continue;
    if (blocks.length + section.length + 1 > 100) break;
    blocks.push(divider(), ...section);
  }
  return { type: 'home', blocks };
}

export { actions };
