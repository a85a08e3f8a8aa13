// Flattens Slack's `view.state.values` (block_id → action_id → element state) into plain values.

interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_date_time?: number | null;
}

export type ViewValues = Record<string, Record<string, ElementState>>;

/** The values of a submitted view, by block id (the first element of each block). */
export class ViewState {
  constructor(private readonly values: ViewValues) {}

  private element(blockId: string): ElementState | undefined {
    const block = this.values[blockId];
    return block ? Object.values(block)[0] : undefined;
  }

  /** Text input, trimmed; undefined when empty. */
  text(blockId: string): string | undefined {
    const v = this.element(blockId)?.value;
    return v && v.trim() !== '' ? v : undefined;
  }

  /** Selected option of a select (static or external). */
  selected(blockId: string): string | undefined {
    return this.element(blockId)?.selected_option?.value ?? undefined;
  }

  user(blockId: string): string | undefined {
    return this.element(blockId)?.selected_user ?? undefined;
  }

  dateTime(blockId: string): Date | undefined {
    const s = this.element(blockId)?.selected_date_time;
    return typeof s === 'number' ? new Date(s * 1000) : undefined;
  }
}
