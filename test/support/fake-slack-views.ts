// Moved to src/sandbox/views.ts (the Slack emulator's views); re-exported for the tests.
export * from '../../src/sandbox/views.js';
