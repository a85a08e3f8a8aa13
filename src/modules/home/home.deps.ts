import type { Clock } from '../../platform/clock.js';
import type { UserLocales } from '../../platform/user-locales.js';
import type { HomeSection } from '../../slack/home.js';

/** What the Home tab needs, built once in the composition root. */
export interface HomeDeps {
  readonly clock: Clock;
  /** Each user's language: read for the tab, written by its language menu. */
  readonly locales: UserLocales;
  /** The other modules' parts of the tab, in the order shown. */
  readonly sections: readonly HomeSection[];
}
