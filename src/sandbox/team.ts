// The sandbox's workspace: the people one can act as and the channels opsdesk posts in. The
// composition root hands them in (the demo's team and its opsdesk.yml); this file only looks up.
import type { Config } from '../config/config.js';

export interface SandboxUser {
  id: string;
  /** Display name, as the user switcher shows it. */
  name: string;
  role: 'engineer' | 'supervisor' | 'dispatcher' | 'admin';
  /** The page's language for this user and their opsdesk language (user_prefs). */
  locale: 'en' | 'zh-CN';
  tz: string;
}

export interface SandboxChannel {
  id: string;
  name: string;
}

export class Team {
  readonly channels: SandboxChannel[];
  constructor(
    readonly users: SandboxUser[],
    config: Config,
  ) {
    this.channels = Object.entries(config.channels)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([name, id]) => ({ id, name }));
  }
  isUser = (id: unknown): id is string => this.users.some((u) => u.id === id);
  userName = (id: string) => this.users.find((u) => u.id === id)?.name ?? id.toLowerCase();
  channelName = (id: string) => this.channels.find((c) => c.id === id)?.name;
}
