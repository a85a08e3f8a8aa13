// The tests' fake Slack is the product's Slack emulator (src/sandbox/emulator.ts), kept in memory:
// the sandbox and the tests share one implementation of Slack's Web API and its limits.
export * from '../../src/sandbox/emulator.js';
