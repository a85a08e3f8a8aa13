/** Durations as written in opsdesk.yml: "15m", "4h", "3d", "1h30m". */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** Parses a duration into minutes; returns undefined when the text is not a duration. */
export function parseDurationMinutes(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [, d, h, min] = m;
  const total = Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(min ?? 0);
  return total > 0 ? total : undefined;
}

/** "HH:MM" → minutes after midnight, or undefined. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}
