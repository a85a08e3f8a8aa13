// Moved to src/sandbox/block-kit.ts (the Slack emulator checks Block Kit limits); re-exported for the tests.
export * from '../../src/sandbox/block-kit.js';
