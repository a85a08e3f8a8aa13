// One Bolt global middleware for all commands, buttons, forms, options requests and shortcuts,
// dispatching by id through a map. Bolt runs every registered listener's middleware chain on every
// request, so with a hundred buttons and forms the matching alone cost more than the rest of the ack;
// a map lookup costs nothing, whatever the count.
import type { App } from '@slack/bolt';
import { jsonClientFor } from './web-client.js';

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

  /**
   * Registers one global middleware that hands each command, button, form, options request and
   * shortcut to its handler by id — the same requests Bolt's command, action, view (submissions),
   * options and shortcut listeners for any id would take — and passes everything else
   * (events) on to Bolt's listeners. As listeners these cost Bolt a middleware chain each on every
   * request, before the ack; as one middleware the routing is a few property reads. Unknown ids are
   * acked (Slack would show a time-out) and logged. Mount after every other global middleware.
   */
  mount(): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's listener args differ per kind
    const dispatch = async (map: Map<string, Handler>, kind: string, key: unknown, args: any): Promise<void> => {
      const id = typeof key === 'string' ? key : '';
      const handler = map.get(id);
      if (handler) {
        // The client whose Block Kit calls go out as JSON (web-client.ts): Bolt builds its own clients.
        if (args.client) args.client = jsonClientFor(args.client);
        return handler(args);
      }
      this.onUnknown(kind, id);
      await args.ack?.();
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    this.app.use(async (args: any) => {
      const { body, payload } = args;
      if (args.command) return dispatch(this.commands, 'command', args.command.command, args);
      // Block actions and block suggestions carry an action_id (Bolt's action and options matchers ask for one).
      if (args.action && payload?.action_id !== undefined) return dispatch(this.actions, 'action', payload.action_id, args);
      if (args.options && payload?.action_id !== undefined) return dispatch(this.options, 'options', payload.action_id, args);
      if (args.view && body?.view) {
        if (body.type === 'view_submission') return dispatch(this.views, 'view', body.view.callback_id, args);
        // No view asks for view_closed (notify_on_close); should one arrive, it is acknowledged rather
        // than left to time out.
        if (body.type === 'view_closed') return void (await args.ack?.());
      }
      if (args.shortcut && body?.callback_id !== undefined) return dispatch(this.shortcuts, 'shortcut', body.callback_id, args);
      await args.next();
    });
  }
}
