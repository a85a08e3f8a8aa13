// The home module's front door (SPEC §3.9): the Home tab — common actions, the user's own language,
// and the sections other modules contribute (handed in by the composition root).
import './home.i18n.js';

// Deps (built in the composition root).
export type { HomeDeps } from './home.deps.js';

// The Slack side.
export { registerHomeListeners } from './slack/listeners.js';
