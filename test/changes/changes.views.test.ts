// The change's message, form and replies in both languages, within Slack's Block Kit limits.
import { describe, expect, it } from 'vitest';
import '../../src/modules/changes/index.js';
import { translator } from '../../src/platform/i18n.js';
import type { ChangeView } from '../../src/modules/changes/changes.queries.js';
import { changeDetailsBlocks, changeMessage, changeReply, createChangeModal, reasonModal, rollbackModal, submittedView, verifyModal } from '../../src/modules/changes/slack/views.js';
import { validateMessageBlocks, validateView } from '../support/block-kit.js';

const at = new Date('2026-11-25T02:00:00Z');
const change: ChangeView = {
  id: 7, key: 'CHG-2026-7', title: '<!channel> upgrade', systems: ['core-switch', 'POS'], systemKeys: ['core-switch', 'pos'], description: 'd'.repeat(5000), reason: 'r', risk: 'high', impact: 'i',
  testEvidence: 'lab', plan: 'p', rollbackPlan: 'rb', windowStart: new Date('2026-11-26T14:00:00Z'), windowEnd: new Date('2026-11-26T16:00:00Z'), requester: 'U0ALICE', implementer: 'U0BOB',
  ticketId: 3, emergency: true, emergencyReason: 'outage', freezeReason: 'New Year', state: 'implementing', approvedAt: null, rejectReason: null, cancelReason: null, startedAt: at, finishedAt: null,
  closedAt: null, verificationChecked: null, verificationOutcome: null, rollbackHappened: null, rollbackWhy: null, followUpTicketId: null, slackChannel: 'C0CHANGES', slackTs: '1.2', requestKey: null,
  version: 3, createdAt: at, updatedAt: at, approvers: ['U0SAM'], ticketKey: 'OPS-2026-3', followUpTicketKey: null, conflicts: [{ id: 8, key: 'CHG-2026-8', title: 'x', slackChannel: 'C0CHANGES', slackTs: '3.4' }],
};

describe('change views', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    const tr = translator(locale);
    it(`renders the message, the forms and a reply within Slack's limits (${locale})`, () => {
      const message = changeMessage(change, tr);
      expect(validateMessageBlocks(message.blocks)).toEqual([]);
      expect(validateMessageBlocks(changeDetailsBlocks(change, [], tr))).toEqual([]);
      for (const view of [createChangeModal({ knownSystems: ['pos'], privateMetadata: '{}' }, tr), submittedView(change, tr), reasonModal('reject', change, '{}', tr), reasonModal('cancel', change, '{}', tr), verifyModal(change, '{}', tr), rollbackModal(change, '{}', tr)]) {
        expect(validateView(view)).toEqual([]);
      }
      const text = JSON.stringify(message);
      // Plain text (the header) is never parsed; everything Slack parses as mrkdwn is escaped.
      expect(text.replace(/"type":"plain_text","text":"[^"]*"/g, '')).not.toContain('<!channel>');
      expect(text).toContain('CHG-2026-8');
      expect(changeReply({ action: 'approve', actor: 'U0SAM', at, from: 'submitted', to: 'submitted', approvals: { count: 1, needed: 2 } }, tr)).toContain('1/2');
    });
  }

  it('speaks Chinese in zh-CN: states, buttons, marks', () => {
    const text = JSON.stringify(changeMessage(change, translator('zh-CN')));
    for (const word of ['实施中', '高风险', '紧急变更', '冻结期', '回退', '批准']) expect(text).toContain(word);
    for (const word of ['Implementing', 'High risk', 'Roll back', 'Approve']) expect(text).not.toContain(word);
  });
});
