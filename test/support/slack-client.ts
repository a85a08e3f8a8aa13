// Moved to src/sandbox/signer.ts (the sandbox sends the same signed requests); re-exported for the tests.
export * from '../../src/sandbox/signer.js';
