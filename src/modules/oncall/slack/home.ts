import type { KnownBlock } from '@slack/types';
import type { Translate } from '../../../platform/i18n.js';
import type { HomeSection } from '../../../slack/home.js';
import type { OncallDeps } from '../oncall.deps.js';
import { nextShiftFor } from '../oncall.service.js';
import { homeBlocks } from './views.js';

/** Home: the user's next on-call shift (or the one running now). */
export function oncallHomeSection(oncall: OncallDeps): HomeSection {
  return async (userId: string, tr: Translate): Promise<KnownBlock[]> => {
    if (oncall.rotations.length === 0) return [];
    return homeBlocks(await nextShiftFor(oncall, userId), oncall.clock.now(), tr);
  };
}
