// Moved to src/sandbox/history.ts (the Slack emulator's reading side); re-exported for the tests.
export * from '../../src/sandbox/history.js';
