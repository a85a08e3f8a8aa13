import type { KnownBlock } from '@slack/types';
import type { Translate } from '../platform/i18n.js';

/**
 * A part of the Home tab contributed by a module (own tickets, visit orders, next shift…). Modules
 * below home provide them; the composition root hands them to the home module.
 */
export type HomeSection = (userId: string, tr: Translate) => Promise<KnownBlock[]>;
