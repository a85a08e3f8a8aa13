#!/usr/bin/env node
// `npx opsdesk <command>`: the same command line as `npm run opsdesk -- <command>`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
