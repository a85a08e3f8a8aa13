// The architecture check (`npm run lint`): the module boundaries of STYLE.md, enforced.
// Each rule's comment is what a developer sees when they break it: which rule, and how to fix it.

/** The module graph, lowest first: a module may use only modules of a lower rank. */
const RANK = {
  customers: 0,
  sla: 1,
  tickets: 2,
  visits: 3,
  patrols: 4,
  changes: 4,
  kb: 4,
  alerts: 4,
  oncall: 5,
  reviews: 6,
  home: 6,
};
const KERNEL = '^src/(platform|slack|outbox|jobs|config|sandbox)/';

const layering = Object.entries(RANK).map(([name, rank]) => {
  const notBelow = Object.entries(RANK)
    .filter(([other, r]) => other !== name && r >= rank)
    .map(([other]) => other);
  return {
    name: `module-order-${name}`,
    severity: 'error',
    comment:
      `modules/${name} may only use modules below it in the graph (${Object.keys(RANK).filter((m) => RANK[m] < rank).join(', ') || 'none'}). ` +
      'To tell a higher module something, emit an event or expose a hook type here and let the composition root (src/services.ts) wire the subscriber.',
    from: { path: `^src/modules/${name}/` },
    to: { path: notBelow.length ? `^src/modules/(${notBelow.join('|')})/` : '^$' },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-deep-import-into-another-module',
      severity: 'error',
      comment:
        "Another module is used only through its front door, src/modules/<name>/index.ts. Import from '../<name>/index.js'; " +
        'if what you need is not exported there, add a public function to that index (or move the code to where it belongs).',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Modules form a DAG (STYLE.md "Module boundaries"): break the cycle with an event the lower module emits and the composition root wires.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      comment:
        'Kernel folders (platform, slack, outbox, jobs, config, sandbox) know no module and no composition root. ' +
        'Take what you need as a parameter or an interface, and let src/app.ts, src/services.ts or src/cli/ pass it in.',
      from: { path: KERNEL },
      to: { path: ['^src/modules/', '^src/(app|services|main)\\.ts$', '^src/cli/'] },
    },
    ...layering,
    {
      name: 'domain-imports-no-slack',
      severity: 'error',
      comment:
        "A module's domain files (rules, services, stores, tables) know nothing of Slack: put Block Kit and Web API calls in the module's slack/ folder " +
        'and reach them through an interface (a notifier) passed in deps.',
      from: { path: '^src/modules/[^/]+/[^/]+\\.ts$', pathNot: '/index\\.ts$' },
      to: { path: '(^|/)node_modules/@slack/' },
    },
    {
      name: 'listeners-call-services-not-stores',
      severity: 'error',
      comment: "Listeners call their module's service functions, never a store: add a use case (or a read query) to <name>.service.ts and call that.",
      from: { path: '^src/modules/[^/]+/slack/(.*listeners|command|.*command)\\.ts$' },
      to: { path: '\\.store\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import does not resolve to a file or an installed package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(drizzle|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
    reporterOptions: {
      dot: { collapsePattern: '^(src/modules/[^/]+|src/[^/]+|node_modules/(@[^/]+/)?[^/]+)' },
    },
  },
};
