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

/** "09:00-12:00, 13:00-18:00" (or a list) → sorted [start, end] minute pairs; throws on overlap. */
export function parseHours(hours: string | string[]): [number, number][] {
  const parts = (Array.isArray(hours) ? hours : hours.split(',')).map((p) => p.trim()).filter(Boolean);
  const ranges = parts.map((p) => {
    const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(p);
    if (!m) throw new Error(`"${p}" is not a range such as 09:00-18:00`);
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    if (Number(m[1]) > 24 || Number(m[3]) > 24 || Number(m[2]) > 59 || Number(m[4]) > 59 || end > 1440) throw new Error(`"${p}" is not a valid time range`);
    if (start >= end) throw new Error(`"${p}" needs its start before its end (start before end)`);
    return [start, end] as [number, number];
  });
  ranges.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) throw new Error(`working hours overlap: ${parts.join(', ')}`);
  }
  if (ranges.length === 0) throw new Error('no working hours');
  return ranges;
}
