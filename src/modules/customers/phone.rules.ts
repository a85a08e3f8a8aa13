// Phone numbers as service desks write them: mobiles (13812345678, +86 138 1234 5678) and
// landlines (021-12345678, (0755) 8765 4321, 400-800-1234).

/** The digits of a phone number, with a leading + kept; undefined when it is not a phone number. */
export function normalizePhone(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\+?[\d\s\-()]+$/.test(trimmed)) return undefined;
  const plus = trimmed.startsWith('+') ? '+' : '';
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (!plus && digits.length === 11 && digits.startsWith('1') && !/^1[3-9]/.test(digits)) return undefined;
  return plus + digits;
}

/** The masked form shown in channels: 138****5678 (first three and last four digits). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 7) return `****${digits.slice(-2)}`;
  const local = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
  return `${local.slice(0, 3)}****${local.slice(-4)}`;
}
