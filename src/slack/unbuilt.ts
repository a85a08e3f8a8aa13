import type { BoltApp } from './app.js';
import type { ListenerDeps } from './deps.js';

/**
 * Commands the manifest already declares but whose capability is not built yet: answer privately
 * instead of letting Slack show a time-out.
 */
export function registerUnbuiltCommands(app: BoltApp, deps: ListenerDeps, commands: string[]): void {
  for (const command of commands) {
    app.command(command, async ({ ack, command: cmd }) => {
      const tr = await deps.trFor(cmd.user_id);
      await ack({ response_type: 'ephemeral', text: tr('app.not_built', { command }) });
    });
  }
}
