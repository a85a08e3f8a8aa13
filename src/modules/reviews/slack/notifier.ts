// The review and the daily report through the outbox; the chart through the files upload API.
import type { WebClient } from '@slack/web-api';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import type { Clock } from '../../../platform/clock.js';
import type { Translate } from '../../../platform/i18n.js';
import { dailyMessageKey, type DailyNotifier } from '../daily.service.js';
import type { FileUploader, ReviewPresenter } from '../reviews.service.js';
import { dailyParent, engineerReply, problemsReply } from './daily-views.js';
import { chartComment, reviewMessage } from './views.js';

export function slackReviewPresenter(tr: Translate): ReviewPresenter {
  return {
    post: (review) => reviewMessage(review, tr),
    chartComment: (review) => chartComment(review, tr),
  };
}

export function slackDailyNotifier(clock: Clock, channel: () => string | undefined, tr: Translate): DailyNotifier {
  return {
    async report(tx, report) {
      const key = dailyMessageKey(report.date);
      const messages: OutboxMessage[] = [{ kind: 'post', channel: channel()!, messageKey: key, dedupeKey: key, payload: dailyParent(report, tr) }];
      for (const engineer of report.engineers) {
        messages.push({ kind: 'reply', targetKey: key, dedupeKey: `${key}:${engineer.user}`, payload: engineerReply(report.date, engineer, tr) });
      }
      await enqueue(tx, clock.now(), messages);
    },
    async problems(tx, date, user, text, noteId) {
      const key = dailyMessageKey(date);
      await enqueue(tx, clock.now(), [{ kind: 'reply', targetKey: key, dedupeKey: `${key}:problems:${noteId}`, payload: { text: problemsReply(user, text, tr) } }]);
    },
  };
}

/** Uploads with files.getUploadURLExternal + files.completeUploadExternal (web-api's filesUploadV2). */
export function slackFileUploader(client: WebClient): FileUploader {
  return {
    async upload(file) {
      const destination = file.threadTs ? { channel_id: file.channel, thread_ts: file.threadTs } : { channel_id: file.channel };
      const res = await client.filesUploadV2({
        ...destination,
        file: file.bytes,
        filename: file.filename,
        title: file.title,
        initial_comment: file.comment,
      });
      const files = (res as unknown as { files?: { files?: { id?: string }[]; id?: string }[] }).files ?? [];
      const id = files[0]?.files?.[0]?.id ?? files[0]?.id;
      if (!id) throw new Error('files.completeUploadExternal returned no file id');
      return { fileId: id };
    },
  };
}
