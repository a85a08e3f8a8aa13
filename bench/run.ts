// `npm run bench [-- name…]`: runs the registered benchmarks in order, or only those named.
// Each prints its own figures and targets; a missed target is reported, not a failed exit.

interface Bench {
  name: string;
  about: string;
  run: () => Promise<void>;
}

const benches: Bench[] = [
  {
    name: 'ack',
    about: 'slash-command and button ack latency/throughput vs a bare Bolt app (SPEC §7)',
    run: async () => (await import('./ack/index.js')).runAckBench(),
  },
  {
    name: 'sla-sweep',
    about: 'one SLA sweep over 10k, 100k and 1M open tickets with 100 at risk (SPEC §7)',
    run: async () => (await import('./sla-sweep/index.js')).runSlaSweepBench(),
  },
  {
    name: 'monthly-review',
    about: 'the review of one month over a year of 1,000,000 tickets with events in Postgres (SPEC §7: under 2 s)',
    run: async () => (await import('./monthly-review/index.js')).runMonthlyReviewBench(),
  },
  {
    name: 'outbox',
    about: "outbox pacing in real time against a fake Slack with Slack's per-channel limit: 60 messages for one channel in about 60 s with at most 2 answered 429 while two other channels arrive within seconds (SPEC §7)",
    run: async () => (await import('./outbox/index.js')).runOutboxBench(),
  },
  {
    name: 'kb',
    about: '/kb search over 100,000 generated articles (Chinese, English, mixed) in Postgres (SPEC §7: p95 under 50 ms), and hint precision/recall on the labelled set',
    run: async () => (await import('./kb/index.js')).runKbBench(),
  },
  {
    name: 'alerts',
    about: 'POST /alerts/alertmanager with 1, 100 and 1,000 alerts in one payload against the real app on Postgres, time to HTTP 200 (SPEC §7: 100 alerts within 2 s)',
    run: async () => (await import('./alerts/index.js')).runAlertsBench(),
  },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}; there are: ${benches.map((b) => `${b.name} (${b.about})`).join(', ')}\n`);
    process.exit(1);
  }
  const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
  for (const b of selected) {
    console.log(`── ${b.name}: ${b.about}`);
    await b.run();
    console.log('');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
