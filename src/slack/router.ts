// One Bolt listener per kind of request, dispatching by id through a map. Bolt runs every
// registered listener's matcher on every request, so with a hundred buttons and forms the matching
// alone cost more than the rest of the ack; a map lookup costs nothing, whatever the count.
import type { App } from '@slack/bolt';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: any) => Promise<void>;

/** What modules register their listeners on: the same calls as Bolt's, by exact id. */
export type SlackRoutes = Pick<App, 'command' | 'action' | 'view' | 'options' | 'shortcut' | 'event'>;

export class SlackRouter {
  private readonly commands = new Map<string, Handler>();
  private readonly actions = new Map<string, Handler>();
  private readonly views = new Map<string, Handler>();
  private readonly options = new Map<string, Handler>();
  private readonly shortcuts = new Map<string, Handler>();

  constructor(
    private readonly app: App,
    private readonly onUnknown: (kind: string, id: string) => void,
  ) {}

  /** The registration surface handed to modules. */
  get routes(): SlackRoutes {
    const add = (map: Map<string, Handler>, kind: string) => (id: unknown, ...fns: unknown[]) => {
      if (typeof id !== 'string' || fns.length !== 1) throw new Error(`${kind} listeners are registered by exact id with one handler`);
      if (map.has(id)) throw new Error(`a second ${kind} listener for "${id}"`);
      map.set(id, fns[0] as Handler);
    };
    return {
      command: add(this.commands, 'command') as App['command'],
      action: add(this.actions, 'action') as App['action'],
      view: add(this.views, 'view') as App['view'],
      options: add(this.options, 'options') as App['options'],
      shortcut: add(this.shortcuts, 'shortcut') as App['shortcut'],
      event: this.app.event.bind(this.app) as App['event'],
    };
  }

  /** Registers the one listener of each kind with Bolt. Unknown ids are acked (Slack would show a time-out) and logged. */
  mount(): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's listener args differ per kind
    const dispatch = (map: Map<string, Handler>, kind: string, id: (args: any) => string | undefined): Handler => async (args) => {
      const key = id(args) ?? '';
      const handler = map.get(key);
      if (handler) return handler(args);
      this.onUnknown(kind, key);
      await args.ack?.();
    };
    this.app.command(/.*/, dispatch(this.commands, 'command', (a) => a.command?.command));
    this.app.action(/.*/, dispatch(this.actions, 'action', (a) => a.action?.action_id));
    this.app.view(/.*/, dispatch(this.views, 'view', (a) => a.view?.callback_id));
    this.app.options(/.*/, dispatch(this.options, 'options', (a) => a.body?.action_id));
    this.app.shortcut(/.*/, dispatch(this.shortcuts, 'shortcut', (a) => a.shortcut?.callback_id));
  }
}
