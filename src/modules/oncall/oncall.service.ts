// On-call use cases (SPEC §3.3): who is on call, the schedule, cover and swaps, handover notes.
// Every change and its Slack messages commit together; refusals are audited.
import { sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.js';
import { rows, type Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { rolesOf } from '../../platform/roles.js';
import type { OncallDeps } from './oncall.deps.js';
import {
  DAY_MS,
  lastHandover,
  nextShiftOf,
  ONCALL_LIMITS,
  SCHEDULE_DAYS,
  shiftAt,
  shiftOf,
  shiftsBetween,
  shiftStartingAt,
  type Overrides,
  type Rotation,
  type Shift,
} from './oncall.rules.js';
import * as store from './oncall.store.js';
import type { Override } from './oncall.store.js';

/** A late note (after the thread opened) still goes to that thread for this long. */
const LATE_NOTE_MS = 2 * 3_600_000;

export const isSupervisor = (deps: Pick<OncallDeps, 'config'>, user: string) => rolesOf(deps.config.roles, user).has('supervisor');

/** The rotation of that name; a DomainError naming the known ones otherwise. */
export function findRotation(deps: Pick<OncallDeps, 'rotations'>, name: string): Rotation {
  const r = deps.rotations.find((x) => x.name === name.trim().toLowerCase());
  if (!r) throw new DomainError('not_found', 'oncall.unknown_rotation', { name: name.trim(), names: deps.rotations.map((x) => x.name).join(', ') || '—' });
  return r;
}

/** Overrides that can touch shifts overlapping [from, to). */
export function overridesFor(db: Db, r: Rotation, from: Date, to: Date): Promise<Overrides> {
  return store.activeOverrides(db, r.name, new Date(from.getTime() - 2 * DAY_MS), to);
}

export interface RotationStatus {
  rotation: Rotation;
  current?: Shift;
  next?: Shift;
  /** Active cover of shifts not over yet. */
  overrides: Override[];
}

/** `/oncall`: who is on call now and next, in every rotation or the one named. */
export async function onCallStatus(deps: OncallDeps, name?: string): Promise<RotationStatus[]> {
  const now = deps.clock.now();
  const chosen = name ? [findRotation(deps, name)] : deps.rotations;
  return Promise.all(
    chosen.map(async (r) => {
      const overrides = await overridesFor(deps.db, r, now, new Date(now.getTime() + 3 * DAY_MS));
      const current = shiftAt(r, now, overrides);
      const next = current ? shiftOf(r, current.index + 1, overrides) : shiftOf(r, 0, overrides);
      return { rotation: r, current, next, overrides: await store.upcomingOverrides(deps.db, r.name, now, 10) };
    }),
  );
}

/** `/oncall schedule`: the shifts of the next 14 days, per rotation. */
export async function schedule(deps: OncallDeps, name?: string, days = SCHEDULE_DAYS): Promise<{ rotation: Rotation; shifts: Shift[] }[]> {
  const now = deps.clock.now();
  const to = new Date(now.getTime() + days * DAY_MS);
  const chosen = name ? [findRotation(deps, name)] : deps.rotations;
  return Promise.all(chosen.map(async (r) => ({ rotation: r, shifts: shiftsBetween(r, now, to, await overridesFor(deps.db, r, now, to)) })));
}

/** The user's next on-call shift (the running one included) in the next 14 days. */
export async function nextShiftFor(deps: OncallDeps, user: string): Promise<Shift | undefined> {
  const now = deps.clock.now();
  const to = new Date(now.getTime() + SCHEDULE_DAYS * DAY_MS);
  const byRotation = new Map<string, Overrides>();
  for (const r of deps.rotations) byRotation.set(r.name, await overridesFor(deps.db, r, now, to));
  return nextShiftOf(user, deps.rotations, now, SCHEDULE_DAYS * DAY_MS, (name) => byRotation.get(name)!);
}

// ── cover and swaps ─────────────────────────────────────────────────────────────────────────

/** The swap form's choices: the rotation named, else the first in which `user` has a shift coming, and its shifts of the next 14 days. */
export async function swapChoices(deps: OncallDeps, user: string, name?: string): Promise<{ rotation: Rotation; shifts: Shift[] }> {
  const now = deps.clock.now();
  const to = new Date(now.getTime() + SCHEDULE_DAYS * DAY_MS);
  const shiftsOf = async (r: Rotation) => shiftsBetween(r, now, to, await overridesFor(deps.db, r, now, to)).slice(0, 100);
  let rotation = name ? findRotation(deps, name) : undefined;
  if (!rotation) {
    for (const r of deps.rotations) {
      if ((await shiftsOf(r)).some((s) => s.user === user)) {
        rotation = r;
        break;
      }
    }
  }
  rotation ??= deps.rotations[0]!;
  return { rotation, shifts: await shiftsOf(rotation) };
}

export interface CoverRequest {
  rotation?: string;
  shiftStart?: Date;
  coveringUser?: string;
}

/**
 * `/oncall swap`: asks `coveringUser` to cover a shift. The person on call for it (or a supervisor)
 * may ask; a supervisor's override is active at once, anyone else's waits for the covering person
 * to accept. Field problems come back as a ValidationError and nothing is written.
 */
export async function requestCover(deps: OncallDeps, req: CoverRequest, actor: string, requestKey?: string): Promise<{ override: Override; forced: boolean }> {
  const { db, clock } = deps;
  const now = clock.now();
  if (requestKey) {
    const existing = await store.getOverrideByRequestKey(db, requestKey);
    if (existing) return { override: existing, forced: existing.forced };
  }
  const r = deps.rotations.find((x) => x.name === req.rotation);
  if (!r) throw new ValidationError({ rotation: { key: 'oncall.error.rotation' } });
  const overrides = req.shiftStart ? await overridesFor(db, r, req.shiftStart, new Date(req.shiftStart.getTime() + DAY_MS)) : undefined;
  const shift = req.shiftStart && shiftStartingAt(r, req.shiftStart, overrides);
  const problems: ConstructorParameters<typeof ValidationError>[0] = {};
  if (!shift) problems.shift = { key: 'oncall.error.shift' };
  else if (shift.end.getTime() <= now.getTime()) problems.shift = { key: 'oncall.error.shift_over' };
  if (!req.coveringUser) problems.cover = { key: 'error.required' };
  else if (shift && req.coveringUser === shift.user) problems.cover = { key: 'oncall.error.cover_same' };
  else if (!rolesOf(deps.config.roles, req.coveringUser).has('engineer')) problems.cover = { key: 'oncall.error.cover_not_engineer' };
  const forced = isSupervisor(deps, actor);
  if (!problems.shift && shift && !forced && shift.user !== actor) {
    await audit(db, { at: now, actor, action: 'oncall.cover.request', subject: `oncall:${r.name}:${shift.start.toISOString()}`, outcome: 'refused' });
    problems.shift = { key: 'oncall.error.not_your_shift' };
  }
  if (Object.keys(problems).length > 0 || !shift) throw new ValidationError(problems);
  const created = await db.transaction(async (tx) => {
    if (forced) {
      // The new cover replaces any other of this shift (active or still asked for).
      await lockShift(tx, r.name, shift.start);
      await store.supersedeOverrides(tx, r.name, shift.start, now);
    }
    const o = await store.insertOverride(tx, {
      rotation: r.name,
      shiftStart: shift.start,
      shiftEnd: shift.end,
      replacedUser: shift.user,
      coveringUser: req.coveringUser!,
      requestedBy: actor,
      status: forced ? 'active' : 'pending',
      forced,
      createdAt: now,
      decidedAt: forced ? now : null,
      decidedBy: forced ? actor : null,
      requestKey: requestKey ?? null,
    });
    if (!o) return undefined;
    if (forced) {
      await deps.notify.coverDecided(tx, now, o, 'forced');
    } else {
      await deps.notify.coverAsked(tx, now, o);
    }
    await audit(tx, { at: now, actor, action: forced ? 'oncall.cover.force' : 'oncall.cover.request', subject: `oncall:${r.name}:${shift.start.toISOString()}`, outcome: 'ok', detail: { override: o.id, covering: o.coveringUser, replaced: o.replacedUser } });
    return o;
  });
  if (!created) return { override: (await store.getOverrideByRequestKey(db, requestKey!))!, forced };
  deps.queued();
  return { override: created, forced };
}

/** The covering person accepts: the override becomes active and the requester is told. */
export function acceptCover(deps: OncallDeps, id: number, actor: string): Promise<Override> {
  return decideCover(deps, id, actor, 'accepted');
}

/** The covering person declines: the shift stays as it was and the requester is told. */
export function declineCover(deps: OncallDeps, id: number, actor: string): Promise<Override> {
  return decideCover(deps, id, actor, 'declined');
}

async function decideCover(deps: OncallDeps, id: number, actor: string, outcome: 'accepted' | 'declined'): Promise<Override> {
  const now = deps.clock.now();
  let refused: DomainError | undefined;
  try {
    const decided = await deps.db.transaction(async (tx) => {
      const o = await store.lockOverride(tx, id);
      if (!o) throw new DomainError('not_found', 'oncall.cover.not_found');
      if (o.coveringUser !== actor) throw (refused = new DomainError('refused', 'oncall.cover.not_yours', { user: o.coveringUser }));
      if (o.status !== 'pending') throw new DomainError('conflict', 'oncall.cover.already', { status: o.status });
      if (o.shiftEnd.getTime() <= now.getTime()) throw new DomainError('conflict', 'oncall.cover.expired');
      const status = outcome === 'accepted' ? 'active' : 'declined';
      if (outcome === 'accepted') {
        await lockShift(tx, o.rotation, o.shiftStart);
        await store.supersedeOverrides(tx, o.rotation, o.shiftStart, now, o.id);
      }
      await store.updateOverride(tx, o.id, { status, decidedAt: now, decidedBy: actor });
      const updated = { ...o, status, decidedAt: now, decidedBy: actor } as Override;
      await deps.notify.coverDecided(tx, now, updated, outcome);
      await audit(tx, { at: now, actor, action: `oncall.cover.${outcome === 'accepted' ? 'accept' : 'decline'}`, subject: `oncall:${o.rotation}:${o.shiftStart.toISOString()}`, outcome: 'ok', detail: { override: o.id } });
      return updated;
    });
    deps.queued();
    return decided;
  } catch (err) {
    if (refused && err === refused) {
      await audit(deps.db, { at: now, actor, action: `oncall.cover.${outcome === 'accepted' ? 'accept' : 'decline'}`, subject: `oncall-override:${id}`, outcome: 'refused' });
    }
    throw err;
  }
}

/** Serialises changes to one shift's cover (two supervisors overriding at once). */
async function lockShift(tx: Db, rotation: string, shiftStart: Date): Promise<void> {
  await rows(tx, sql`select pg_advisory_xact_lock(hashtext(${`oncall:${rotation}:${shiftStart.toISOString()}`}))`);
}

// ── handover notes ───────────────────────────────────────────────────────────────────────────

/** Which handover a note is for: the rotation and the instant of the handover. */
export interface NoteTarget {
  rotation: string;
  handoverAt: Date;
}

/**
 * The handover `user` may write a note for: the end of their running shift (in the rotation named,
 * else the first they are on call in), or — just after a handover — the one they handed over in.
 * Supervisors may write the note of any rotation's coming handover. Refusals are audited.
 */
export async function noteTarget(deps: OncallDeps, user: string, name?: string): Promise<NoteTarget & { existing?: string }> {
  const now = deps.clock.now();
  const chosen = name ? [findRotation(deps, name)] : deps.rotations;
  for (const r of chosen) {
    const current = shiftAt(r, now, await overridesFor(deps.db, r, now, new Date(now.getTime() + DAY_MS)));
    if (current && (current.user === user || (name && isSupervisor(deps, user)))) return withExisting(deps, { rotation: r.name, handoverAt: current.end });
  }
  const recent = await store.recentHandoverFrom(deps.db, user, new Date(now.getTime() - LATE_NOTE_MS));
  if (recent && (!name || recent.rotation === name.trim().toLowerCase())) return withExisting(deps, { rotation: recent.rotation, handoverAt: recent.handoverAt });
  await audit(deps.db, { at: now, actor: user, action: 'oncall.note', subject: `oncall:${name ?? '*'}`, outcome: 'refused' });
  throw new DomainError('refused', 'oncall.note.not_on_call');
}

async function withExisting(deps: OncallDeps, t: NoteTarget): Promise<NoteTarget & { existing?: string }> {
  const note = await store.getNote(deps.db, t.rotation, t.handoverAt);
  return { ...t, existing: note?.text };
}

/** May `user` write the note of the handover at `t`: the outgoing engineer or a supervisor. */
async function mayWriteNote(deps: OncallDeps, user: string, t: NoteTarget): Promise<boolean> {
  if (isSupervisor(deps, user)) return true;
  const r = deps.rotations.find((x) => x.name === t.rotation);
  if (!r) return false;
  const handover = lastHandover(r, t.handoverAt, await overridesFor(deps.db, r, t.handoverAt, new Date(t.handoverAt.getTime() + 1)));
  return handover?.incoming.start.getTime() === t.handoverAt.getTime() && handover.outgoing?.user === user;
}

/** Checks the note button before its form opens; returns the target with the note written so far. */
export async function prepareNote(deps: OncallDeps, user: string, t: NoteTarget): Promise<NoteTarget & { existing?: string }> {
  if (!(await mayWriteNote(deps, user, t))) {
    await audit(deps.db, { at: deps.clock.now(), actor: user, action: 'oncall.note', subject: `oncall:${t.rotation}:${t.handoverAt.toISOString()}`, outcome: 'refused' });
    throw new DomainError('refused', 'oncall.note.not_yours');
  }
  return withExisting(deps, t);
}

/** Saves the outgoing engineer's note; a note written after the thread opened is replied into it. */
export async function saveNote(deps: OncallDeps, user: string, t: NoteTarget, text: string): Promise<void> {
  const now = deps.clock.now();
  if (!text.trim()) throw new ValidationError({ note: { key: 'error.required' } });
  if ([...text].length > ONCALL_LIMITS.note) throw new ValidationError({ note: { key: 'error.too_long', params: { max: ONCALL_LIMITS.note } } });
  if (!(await mayWriteNote(deps, user, t))) {
    await audit(deps.db, { at: now, actor: user, action: 'oncall.note', subject: `oncall:${t.rotation}:${t.handoverAt.toISOString()}`, outcome: 'refused' });
    throw new DomainError('refused', 'oncall.note.not_yours');
  }
  await deps.db.transaction(async (tx) => {
    await store.upsertNote(tx, { rotation: t.rotation, handoverAt: t.handoverAt, author: user, text: text.trim(), now });
    const opened = await store.getHandoverAt(tx, t.rotation, t.handoverAt);
    const note = await store.getNote(tx, t.rotation, t.handoverAt);
    if (opened && note) await deps.notify.noteAdded(tx, now, opened, note);
  });
  deps.queued();
}
