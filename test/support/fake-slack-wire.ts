// Moved to src/sandbox/wire.ts (the Slack emulator's wire); re-exported for the tests.
export * from '../../src/sandbox/wire.js';
