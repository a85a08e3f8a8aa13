// Small Block Kit builders that keep Slack's limits in one place.
import type { Button, KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import { truncate } from './mrkdwn.js';

export const LIMITS = { header: 150, sectionText: 3000, field: 2000, buttonText: 75, optionText: 75, modalTitle: 24, blocksMessage: 50, blocksView: 100, options: 100 } as const;

export const plain = (text: string, max = 3000) => ({ type: 'plain_text' as const, text: truncate(text || ' ', max), emoji: true });
export const md = (text: string, max: number = LIMITS.sectionText) => ({ type: 'mrkdwn' as const, text: truncate(text, max) });

export const header = (text: string): KnownBlock => ({ type: 'header', text: plain(text, LIMITS.header) });
export const section = (text: string, blockId?: string): KnownBlock => ({ type: 'section', text: md(text), ...(blockId ? { block_id: blockId } : {}) });
export const fields = (items: string[]): KnownBlock => ({ type: 'section', fields: items.slice(0, 10).map((f) => md(f, LIMITS.field)) });
export const context = (items: string[]): KnownBlock => ({ type: 'context', elements: items.slice(0, 10).map((t) => md(t, LIMITS.field)) });
export const divider = (): KnownBlock => ({ type: 'divider' });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plain(text, LIMITS.buttonText), action_id: actionId, value, ...(style ? { style } : {}) };
}

export const actions = (blockId: string, elements: Button[]): KnownBlock => ({ type: 'actions', block_id: blockId, elements: elements.slice(0, 25) });

export function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value: truncate(value, 150) };
}

export type { Option };

/** The action id of the element inside every input block; the block id tells the inputs apart. */
export const INPUT_ACTION = 'value';

/** An input block whose element has the shared action id. */
export function input(blockId: string, label: string, element: Record<string, unknown>, optional = false, hint?: string): KnownBlock {
  return { type: 'input', block_id: blockId, label: plain(label, 2000), optional, element: { action_id: INPUT_ACTION, ...element }, ...(hint ? { hint: plain(hint, 2000) } : {}) } as KnownBlock;
}

/** A plain-text input element with its length limit (Slack enforces it in the client too). */
export function textInput(max: number, opts: { multiline?: boolean; initial?: string; placeholder?: string } = {}): Record<string, unknown> {
  return {
    type: 'plain_text_input',
    max_length: max,
    ...(opts.multiline ? { multiline: true } : {}),
    ...(opts.initial ? { initial_value: truncate(opts.initial, max) } : {}),
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
  };
}

/** A modal with Slack's 24-character limits on its title and buttons. */
export function modal(callbackId: string, title: string, submit: string, blocks: KnownBlock[], privateMetadata: string, close: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, LIMITS.modalTitle),
    submit: plain(submit, LIMITS.modalTitle),
    close: plain(close, LIMITS.modalTitle),
    private_metadata: privateMetadata,
    blocks,
  };
}
