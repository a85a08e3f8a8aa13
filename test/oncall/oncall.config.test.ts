// Bad rotation config in opsdesk.yml: one clear line naming the file, line and key path.
import { describe, expect, it } from 'vitest';
import { configError, ENV, yml } from '../support/config.js';
import { parseConfig } from '../../src/config/config.js';

/** A rotation whose lines 4.. are given; lines 1–3 are the same each time. */
const rotation = (...lines: string[]) => yml('oncall:', '  rotations:', '    - name: primary', ...lines);

describe('oncall.rotations in opsdesk.yml', () => {
  it('refuses handover times out of order, naming the first one out of place', () => {
    const message = configError(rotation('      members: [U0ALICE]', '      handover:', '        - "21:00"', '        - "09:00"', '      start: "2026-11-01"'), 'oncall.rotations.0.handover.1', 7);
    expect(message).toMatch(/strictly increasing/);
  });

  it('refuses the same handover time twice', () => {
    configError(rotation('      members: [U0ALICE]', '      handover: ["09:00", "09:00"]', '      start: "2026-11-01"'), 'oncall.rotations.0.handover.1', 5);
  });

  it('refuses a handover time that is not HH:MM', () => {
    const message = configError(rotation('      members: [U0ALICE]', '      handover: ["9am"]', '      start: "2026-11-01"'), 'oncall.rotations.0.handover.0', 5);
    expect(message).toMatch(/HH:MM/);
  });

  it('refuses a rotation without members', () => {
    const message = configError(rotation('      members: []', '      start: "2026-11-01"'), 'oncall.rotations.0.members', 4);
    expect(message).toMatch(/at least one member/);
  });

  it('refuses a member that is not a Slack user id', () => {
    const message = configError(rotation('      members: [U0ALICE, alice]', '      start: "2026-11-01"'), 'oncall.rotations.0.members.1', 4);
    expect(message).toMatch(/Slack user id/);
  });

  it('refuses a start date that does not exist', () => {
    const message = configError(rotation('      members: [U0ALICE]', '      start: "2026-02-30"'), 'oncall.rotations.0.start', 5);
    expect(message).toMatch(/real calendar date/);
  });

  it('refuses a missing start date', () => {
    configError(rotation('      members: [U0ALICE]'), 'oncall.rotations.0.start', 3);
  });

  it('refuses an unknown zone and a bad duration', () => {
    configError(rotation('      members: [U0ALICE]', '      start: "2026-11-01"', '      timezone: Mars/Olympus'), 'oncall.rotations.0.timezone', 6);
    const message = configError(rotation('      members: [U0ALICE]', '      start: "2026-11-01"', '      ack_escalate_after: soon'), 'oncall.rotations.0.ack_escalate_after', 6);
    expect(message).toMatch(/duration/);
  });

  it('refuses an acknowledgement escalation that does not come after the reminder, naming the key', () => {
    const base = ['      members: [U0ALICE]', '      start: "2026-11-01"'];
    const message = configError(rotation(...base, '      ack_reminder_after: 10m', '      ack_escalate_after: 5m'), 'oncall.rotations.0.ack_escalate_after', 7);
    expect(message).toMatch(/must be longer than ack_reminder_after \(escalation after 5 min, reminder after 10 min\)/);
    // Equal is refused too: the reminder and the escalation would go out together.
    configError(rotation(...base, '      ack_reminder_after: 20m', '      ack_escalate_after: 20m'), 'oncall.rotations.0.ack_escalate_after', 7);
    // A reminder set past the default escalation (30m) points at the rotation, where the key is missing.
    expect(configError(rotation(...base, '      ack_reminder_after: 45m'), 'oncall.rotations.0.ack_escalate_after', 3)).toMatch(/escalation after 30 min, reminder after 45 min/);
    // One minute apart is accepted.
    const c = parseConfig(rotation(...base, '      ack_reminder_after: 20m', '      ack_escalate_after: 21m'), ENV);
    expect(c.oncall.rotations[0]).toMatchObject({ ack_reminder_after: 20, ack_escalate_after: 21 });
  });

  it('refuses two rotations with the same name', () => {
    const text = yml(
      'oncall:', //                                                       1
      '  rotations:', //                                                  2
      '    - { name: primary, members: [U0ALICE], start: "2026-11-01" }', // 3
      '    - { name: primary, members: [U0BOB], start: "2026-11-01" }', //   4
    );
    expect(configError(text, 'oncall.rotations.1.name', 4)).toMatch(/unique/);
  });

  it('refuses unknown keys in a rotation', () => {
    configError(rotation('      members: [U0ALICE]', '      start: "2026-11-01"', '      shift_length: 12h'), 'oncall.rotations.0.shift_length', 6);
  });

  it('accepts a good rotation and fills in the defaults', () => {
    const c = parseConfig(rotation('      members: [U0ALICE, U0BOB]', '      handover: ["09:00", "21:00"]', '      start: "2026-11-01"', '      reminder_before: 30m'), ENV);
    expect(c.oncall.rotations[0]).toMatchObject({ reminder_before: 30, ack_reminder_after: 15, ack_escalate_after: 30, page_timeout: 5 });
  });
});
