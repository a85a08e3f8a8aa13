// The bare Bolt app of the ack benchmark: the unavoidable minimum, ack and then one Web API call, on
// the same Bolt and web-api versions as opsdesk, in HTTP mode. Started by the benchmark as opsdesk is
// (its own process through tsx, stdout to a log file), from the same kind of environment:
//
//   SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… SLACK_API_URL=… PORT=… tsx bench/ack/bare.ts
//
// GET /inflight answers how many handlers are still running (the benchmark waits for 0 between rounds).
import { App, LogLevel } from '@slack/bolt';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`bare app: ${name} is not set`);
  return v;
};

let inFlight = 0;
const app = new App({
  signingSecret: env('SLACK_SIGNING_SECRET'),
  token: env('SLACK_BOT_TOKEN'),
  // The identity the fake Slack reports, so Bolt skips its auth.test (opsdesk calls it once).
  botId: process.env.BARE_BOT_ID,
  botUserId: process.env.BARE_BOT_USER_ID,
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  logLevel: LogLevel.INFO,
  customRoutes: [
    {
      path: '/inflight',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(String(inFlight));
      },
    },
  ],
});

app.command('/ticket', async ({ ack, command, client }) => {
  inFlight++;
  try {
    await ack();
    await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: 'ok' });
  } finally {
    inFlight--;
  }
});

app.action(/^ticket\./, async ({ ack, body, client }) => {
  inFlight++;
  try {
    await ack();
    await client.chat.postEphemeral({ channel: body.channel?.id ?? 'C0SUPPORT', user: body.user.id, text: 'ok' });
  } finally {
    inFlight--;
  }
});

const port = Number(process.env.PORT ?? 3000);
await app.start(port);
process.stdout.write(`${JSON.stringify({ msg: 'bare app is running', port })}\n`);
const stop = () => void app.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
