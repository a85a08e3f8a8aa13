// What the knowledge-base tests share: kb deps on a test store, the labelled set, and seeding it.
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { publishArticle, type Article, type ArticleDraft, type KbDeps } from '../../src/modules/kb/index.js';

export interface LabelledSet {
  articles: (ArticleDraft & { ref: string })[];
  queries: { title: string; expect: string | null }[];
}

export const labelled: LabelledSet = JSON.parse(readFileSync(new URL('../fixtures/kb/labelled.json', import.meta.url), 'utf8'));

export function kbDeps(db: Db, now = '2026-11-25T02:00:00Z'): KbDeps {
  const config = parseConfig('roles: { supervisors: [U0SAM] }\n', { publicUrl: 'http://localhost', tzDefault: undefined, localeDefault: undefined });
  const notify = { published: async () => {}, shared: async () => {}, changed: async () => {}, hinted: async () => {} };
  return Object.freeze({ db, clock: new ManualClock(now), config, logger: silentLogger, notify, queued: () => {} });
}

/** Publishes the labelled set's articles; returns them by their ref. */
export async function seedLabelled(deps: KbDeps): Promise<Map<string, Article>> {
  const byRef = new Map<string, Article>();
  for (const { ref, ...draft } of labelled.articles) {
    const { article } = await publishArticle(deps, draft, 'U0ALICE');
    byRef.set(ref, article);
  }
  return byRef;
}

export interface HintFigures {
  precision: number;
  recall: number;
  /** Queries with an expected article whose first hint is it. */
  hits: number;
  /** Hints shown whose first article is wrong (or shown where none was expected). */
  wrong: number;
  shown: number;
  expected: number;
  misses: string[];
}

/**
 * Precision: of the queries that got a hint, the share whose first article is the expected one.
 * Recall: of the queries that have an expected article, the share whose hint has it first.
 */
export function measure(results: { expect: string | null; got: string[]; title: string }[]): HintFigures {
  let hits = 0;
  let wrong = 0;
  let shown = 0;
  const misses: string[] = [];
  for (const r of results) {
    if (r.got.length > 0) shown++;
    if (r.expect && r.got[0] === r.expect) hits++;
    else if (r.got.length > 0) wrong++;
    if (r.expect && r.got[0] !== r.expect) misses.push(`${r.title} → ${r.got.join(', ') || 'nothing'} (expected ${r.expect})`);
    if (!r.expect && r.got.length > 0) misses.push(`${r.title} → ${r.got.join(', ')} (expected nothing)`);
  }
  const expected = results.filter((r) => r.expect).length;
  return { precision: shown ? hits / shown : 1, recall: expected ? hits / expected : 1, hits, wrong, shown, expected, misses };
}
