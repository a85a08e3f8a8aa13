import type { KnownBlock } from '@slack/types';
import type { Db } from '../../../platform/db.js';
import type { Translate } from '../../../platform/i18n.js';
import type { HomeSection } from '../../home/slack/views.js';
import { listActiveForEngineer } from '../visits.store.js';
import { visitList } from './views.js';

/** Home: the user's own visit orders under way, soonest window first. */
export function visitsHomeSection(db: Db): HomeSection {
  return async (userId: string, tr: Translate): Promise<KnownBlock[]> => {
    const mine = await listActiveForEngineer(db, userId, 16);
    return visitList(tr('visit.list.heading_mine'), mine.slice(0, 10), tr, mine.length);
  };
}
