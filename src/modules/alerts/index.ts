// The alerts module's front door (SPEC §3.10, 系统告警): Alertmanager, Grafana and generic webhooks
// open one ticket per alert fingerprint through tickets' front door (the P1 urgent path included),
// note repeats and recoveries in the ticket's thread, and never open a duplicate.
// Others use alerts only through this file.
import './alerts.i18n.js';

// Deps and how the domain tells Slack (built in the composition root).
export type { AlertDeps, AlertNotifier, AlertOutcome } from './alerts.service.js';
export type { AlertEpisode } from './alerts.store.js';
export type { AlertSource, AlertStatus } from './alerts.table.js';

// Pure rules: payloads, fingerprints, routes.
export {
  AlertPayloadError,
  deriveFingerprint,
  MAX_ALERTS_PER_PAYLOAD,
  MAX_BODY_BYTES,
  MONITORING_CATEGORY,
  noteDue,
  parseAlertPayload,
  routeAlert,
  type AlertEndpoint,
  type IncomingAlert,
} from './alerts.rules.js';

// Use cases and reads.
export { receiveAlerts } from './alerts.service.js';
export { episodeOfTicket, episodesOf } from './alerts.store.js';

// Tables (for drizzle-kit and foreign keys).
export { alertDeliveries, alertEpisodes } from './alerts.table.js';

// The Slack side and the HTTP endpoints.
export { slackAlertNotifier } from './slack/notifier.js';
export { ALERT_ENDPOINTS, alertRoutes, bearerMatches } from './web/routes.js';
