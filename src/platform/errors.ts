import type { MessageKey, Translate } from './i18n.js';

export type DomainErrorKind = 'invalid' | 'refused' | 'conflict' | 'not_found';

/**
 * An error a user can cause. It carries a catalogue key, not a sentence: the Slack layer turns it
 * into a modal field error (when `field` names an input block) or an ephemeral message.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly field?: string,
  ) {
    super(String(key));
  }
}

/** Several field errors of one form, found together so the user can fix them in one go. */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, { key: MessageKey; params?: Record<string, string | number> }>) {
    super(`invalid fields: ${Object.keys(fields).join(', ')}`);
  }
}

/**
 * The sentence a user reads for an error they can act on (a DomainError or a ValidationError), in
 * the language of `tr`; undefined for anything else (a bug: the caller apologises and logs it).
 * Every edge — Slack answers, customer pages, the command line — translates errors through this.
 */
export function userMessage(err: unknown, tr: Translate): string | undefined {
  if (err instanceof DomainError) return tr(err.key, err.params);
  if (err instanceof ValidationError) return Object.values(err.fields).map((p) => tr(p.key, p.params)).join('\n');
  return undefined;
}
