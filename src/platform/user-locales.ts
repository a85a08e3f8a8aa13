import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { translator, type Locale, type Translate } from './i18n.js';
import { userPrefs } from './user-prefs.table.js';

const TTL_MS = 60_000;

/**
 * Each user's language: their own choice from the Home tab, else the workspace default. Cached per
 * process for a minute; a replica that did not see the change catches up within that minute.
 */
export class UserLocales {
  private readonly cache = new Map<string, { locale: Locale; until: number }>();
  constructor(
    private readonly db: Db,
    private readonly fallback: Locale,
  ) {}

  async localeOf(userId: string): Promise<Locale> {
    const hit = this.cache.get(userId);
    if (hit && hit.until > Date.now()) return hit.locale;
    const [row] = await this.db.select().from(userPrefs).where(eq(userPrefs.userId, userId));
    const locale = row?.locale ?? this.fallback;
    this.cache.set(userId, { locale, until: Date.now() + TTL_MS });
    return locale;
  }

  async translatorFor(userId: string): Promise<Translate> {
    return translator(await this.localeOf(userId));
  }

  /** Stores a user's choice. */
  async set(userId: string, locale: Locale, now: Date): Promise<void> {
    await this.db
      .insert(userPrefs)
      .values({ userId, locale, updatedAt: now })
      .onConflictDoUpdate({ target: userPrefs.userId, set: { locale, updatedAt: now } });
    this.cache.set(userId, { locale, until: Date.now() + TTL_MS });
  }
}

/** A user's own language (Home tab choice), read in the caller's transaction; undefined when unset. */
export async function storedLocale(db: Db, userId: string): Promise<Locale | undefined> {
  const [row] = await db.select({ locale: userPrefs.locale }).from(userPrefs).where(eq(userPrefs.userId, userId));
  return row?.locale ?? undefined;
}
