import type { KnownBlock } from '@slack/types';
import type { Translate } from '../../../platform/i18n.js';
import type { HomeSection } from '../../../slack/home.js';
import { myVisitOrders } from '../visits.queries.js';
import type { VisitDeps } from '../visits.service.js';
import { visitList } from './views.js';

/** Home: the user's own visit orders under way, soonest window first. */
export function visitsHomeSection(visits: VisitDeps): HomeSection {
  return async (userId: string, tr: Translate): Promise<KnownBlock[]> => {
    const mine = await myVisitOrders(visits, userId, 16);
    return visitList(tr('visit.list.heading_mine'), mine.slice(0, 10), tr, mine.length);
  };
}
