// What the on-call use cases need, and how they tell Slack (implemented by slack/notifier.ts, which
// queues outbox rows in the caller's transaction).
import type { Config } from '../../config/config.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import type { Change, ChangeDeps } from '../changes/index.js';
import type { TicketDeps } from '../tickets/index.js';
import type { Rotation, Shift } from './oncall.rules.js';
import type { Handover, HandoverNote, Override, Page, SnapshotPatrolRun, SnapshotTicket, SnapshotVisit } from './oncall.store.js';

// The rows and snapshot lines the notifier and views render (the Slack side reads them from here, not from the store).
export type { Change as SnapshotChange, Handover, HandoverNote, Override, Page, SnapshotPatrolRun, SnapshotTicket, SnapshotVisit };

/** What a handover thread shows when it opens. */
export interface HandoverSnapshot {
  tickets: { list: SnapshotTicket[]; total: number };
  /** Open tickets nobody holds, with their SLA state: the incoming engineer's first job (always taken by the handover). */
  unassigned?: { list: SnapshotTicket[]; total: number };
  /** Undefined when visit orders are not available. */
  visits?: { list: SnapshotVisit[]; total: number };
  breaches: SnapshotTicket[];
  /** Patrol runs whose slot fell in the outgoing shift; undefined without an outgoing shift. */
  patrols?: { list: SnapshotPatrolRun[]; total: number };
  note?: HandoverNote;
  /** Open changes whose window overlaps the coming shift, earliest first; undefined without change requests. */
  changes?: { list: Change[]; total: number };
  /** The outgoing engineer's shift, for "breaches during the shift". */
  shiftStart?: Date;
}

/** The ticket a page is about. */
export interface PagedTicket {
  id: number;
  key: string;
  title: string;
  priority: string;
  customerName: string;
}

export interface OncallNotifier {
  /** DM to the covering person with Accept / Decline. */
  coverAsked(tx: Db, now: Date, o: Override): Promise<void>;
  /** DMs about a decided cover: to the requester (accepted/declined) or to both people (forced). */
  coverDecided(tx: Db, now: Date, o: Override, outcome: 'accepted' | 'declined' | 'forced'): Promise<number>;
  /** Shift reminders: to the incoming engineer, and to the outgoing one with Add handover note. */
  shiftReminder(tx: Db, now: Date, r: Rotation, incoming: Shift, outgoing?: Shift): Promise<number>;
  handoverOpened(tx: Db, now: Date, h: Handover, snapshot: HandoverSnapshot): Promise<void>;
  /** Updates the thread's message in place (acknowledged, no button) and replies with the check-in. */
  handoverAcknowledged(tx: Db, now: Date, h: Handover): Promise<void>;
  ticketsMoved(tx: Db, now: Date, h: Handover, keys: string[]): Promise<void>;
  noteAdded(tx: Db, now: Date, h: Handover, note: HandoverNote): Promise<void>;
  handoverReminder(tx: Db, now: Date, h: Handover): Promise<number>;
  handoverEscalated(tx: Db, now: Date, h: Handover): Promise<number>;
  /** The page's current step: a DM to the person in line, or the supervisors and the escalation channel. */
  paged(tx: Db, now: Date, page: Page, ticket: PagedTicket): Promise<number>;
}

export interface OncallDeps {
  db: Db;
  clock: Clock;
  config: Config;
  rotations: Rotation[];
  notify: OncallNotifier;
  /** Take from a page and moving tickets at handover go through the tickets service. */
  tickets: TicketDeps;
  /** The handover lists the changes in the coming shift (read through the changes module). */
  changes: Pick<ChangeDeps, 'db'>;
  queued: () => void;
}
