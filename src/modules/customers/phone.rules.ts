// Phone numbers as service desks write them: mobiles (13812345678, +86 138 1234 5678) and
// landlines (021-12345678, (0755) 8765 4321, 400-800-1234).

/** The digits of a phone number, with a leading + kept; undefined when it is not a phone number. */
export function normalizePhone(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\+?[\d\s\-()]+$/.test(trimmed)) return undefined;
  const plus = trimmed.startsWith('+') ? '+' : '';
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  // Chinese mobile numbers are 1[3-9] and 11 digits, with or without +86/0086 in front.
  const national = plus && digits.startsWith('86') ? digits.slice(2) : digits.startsWith('0086') ? digits.slice(4) : digits;
  if (national.length === 11 && national.startsWith('1') && !/^1[3-9]/.test(national)) return undefined;
  return plus + digits;
}

/**
 * The masked form shown in channels: 138****5678 for a mobile (first three and last four digits).
 * Shorter numbers show less, so that at least half of the digits stay hidden.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const local = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
  if (local.length >= 11) return `${local.slice(0, 3)}****${local.slice(-4)}`;
  if (local.length >= 9) return `${local.slice(0, 2)}****${local.slice(-3)}`;
  return `****${local.slice(-2)}`;
}
