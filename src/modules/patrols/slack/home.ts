import type { HomeSection } from '../../../slack/home.js';
import { todaysRuns, type PatrolDeps } from '../patrols.service.js';
import { homeSection } from './views.js';

/** Home: today's patrol runs. */
export function patrolsHomeSection(patrols: PatrolDeps): HomeSection {
  return async (_userId, tr) => {
    const { date, runs } = await todaysRuns(patrols);
    return homeSection(date, runs, tr);
  };
}
