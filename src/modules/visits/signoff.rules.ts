// Customer sign-off links and phone codes (SPEC §3.2, §4: signed with HMAC, single-use, expiring).
// Each link has its own random key stored with it; the token is "<id>.<expires>.<mac>" where mac is
// HMAC-SHA256(key, "<id>.<expires>"), so changing any part of the link makes it invalid.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export interface SignoffTokenParts {
  id: number;
  /** Expiry, in whole seconds since the epoch. */
  expires: number;
  mac: string;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/** A fresh random key for one link. */
export const newSignoffSecret = () => b64url(randomBytes(32));

/** A 6-digit code for reading out over the phone (leading zeros kept). */
export const newSignoffCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

function mac(secret: string, message: string): string {
  return b64url(createHmac('sha256', Buffer.from(secret, 'base64url')).update(message).digest());
}

/** The token of a link: what goes after /visit/signoff/ in the URL. */
export function signSignoffToken(secret: string, id: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${id}.${expires}.${mac(secret, `${id}.${expires}`)}`;
}

/** Splits a token; undefined when it does not even have the shape of one. */
export function parseSignoffToken(token: string): SignoffTokenParts | undefined {
  const m = /^([1-9]\d{0,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  return { id: Number(m[1]), expires: Number(m[2]), mac: m[3]! };
}

/** True when the token was made with `secret` for this id and expiry (constant-time compare). */
export function verifySignoffToken(secret: string, parts: SignoffTokenParts, expiresAt: Date): boolean {
  if (parts.expires !== Math.floor(expiresAt.getTime() / 1000)) return false;
  const expected = Buffer.from(mac(secret, `${parts.id}.${parts.expires}`));
  const given = Buffer.from(parts.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** How a phone code is stored: an HMAC with the link's key, never the digits. */
export const hashSignoffCode = (secret: string, code: string) => mac(secret, `code:${code}`);

export function codeMatches(secret: string, storedHash: string, code: string): boolean {
  const expected = Buffer.from(storedHash);
  const given = Buffer.from(hashSignoffCode(secret, code));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Wrong codes an order's code takes before it is locked (the link itself keeps working). */
export const MAX_CODE_FAILURES = 5;

/** What the customer submits on the page. */
export interface SignoffForm {
  name?: string;
  rating?: string;
  comment?: string;
}

export type SignoffProblem = 'name_required' | 'name_too_long' | 'rating_required' | 'comment_too_long';

/** Checks the customer's form; returns problems by field (empty when it may be saved). */
export function validateSignoffForm(form: SignoffForm): { problems: Partial<Record<'name' | 'rating' | 'comment', SignoffProblem>>; name: string; rating: number; comment: string | null } {
  const problems: Partial<Record<'name' | 'rating' | 'comment', SignoffProblem>> = {};
  const name = (form.name ?? '').trim();
  const comment = (form.comment ?? '').trim();
  if (!name) problems.name = 'name_required';
  else if ([...name].length > 60) problems.name = 'name_too_long';
  const rating = /^[1-5]$/.test((form.rating ?? '').trim()) ? Number(form.rating!.trim()) : NaN;
  if (Number.isNaN(rating)) problems.rating = 'rating_required';
  if ([...comment].length > 1000) problems.comment = 'comment_too_long';
  return { problems, name, rating, comment: comment || null };
}
