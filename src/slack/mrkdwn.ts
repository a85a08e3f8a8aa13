// Text helpers for Block Kit. User text is escaped before it enters mrkdwn, so `<!channel>`,
// `<@U…>` and `<http://…|links>` typed by a user stay text.

/** Escapes the three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to at most `max` characters (by code point), marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A time every reader sees in their own zone: Slack's date formatting with a UTC fallback. */
export function slackDate(at: Date, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${seconds}^${format}|${fallback}>`;
}

export const mention = (userId: string) => `<@${userId}>`;
