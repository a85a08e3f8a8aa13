// The command line's own sentences (SPEC §5), in the configured language: what went wrong and what to
// do about it, one line each. Job and service errors come from their modules' catalogues.
import { defineMessages } from '../platform/i18n.js';

const en = {
  'cli.unknown_command': 'There is no command "{command}". Run `npm run opsdesk -- --help` to see the commands.',
  'cli.bad_args': 'The arguments are not understood ({problem}). Run `npm run opsdesk -- --help` to see the commands.',
  'cli.bad_at': '--at expects an ISO time such as 2026-11-25T09:00:00+08:00, got "{value}".',
  'cli.job_expected': 'job expects one of: {jobs}.',
  'cli.job_unknown': 'job expects one of: {jobs}; got "{name}".',
  'cli.job_planned': 'job expects one of: {jobs}; got "{name}" ("{name}" comes with a later capability and is not built yet).',
  'cli.env_invalid': 'The environment is not valid: {problem}. Set the variable as described under "Environment" in the README and run the command again.',
  'cli.config_invalid': 'opsdesk.yml is not valid: {problem}. Fix it (every key is shown in opsdesk.example.yml) and run the command again.',
  'cli.store_busy': '{busy} The embedded store can be opened by one process at a time. Stop the app (Ctrl-C) and run the command again, or run both against a Postgres server by setting DATABASE_URL.',
  'cli.job_failed': '{job} failed: {error}',
  'cli.job_crashed': '{job} failed unexpectedly ({error}). The run is recorded in job_runs; run the command again with LOG_LEVEL=debug to see where it failed.',
  'cli.unexpected': 'The command failed unexpectedly ({error}). Nothing more was done; run it again with LOG_LEVEL=debug to see where it failed.',
  'cli.migrated': 'migrations applied',
  'cli.job_done': '{job} at {at}: {counts}',
  'cli.delivered': 'delivered {count} Slack message(s)',
  'cli.no_token': 'SLACK_BOT_TOKEN is not set: messages stay queued until the app delivers them',
  'cli.demo_loaded': 'demo loaded: {summary}',
  'cli.demo_already': 'The demo is already loaded (since {since}); nothing was added. To start again, use an empty store (a new DATA_DIR or database).',
  'cli.demo_team': 'demo team: {people}',
  'cli.demo_skipped': 'not in the demo: {what}',
  'cli.demo_no_patrol': 'a patrol run (opsdesk.yml has no `patrols` checklist; opsdesk.demo.yml has one)',
  'cli.demo_no_rotation': 'an on-call handover (opsdesk.yml has no `oncall.rotations`; opsdesk.demo.yml has one)',
  'cli.demo_rotation_not_started': 'an on-call handover (the rotation "{name}" has had no handover yet: its `start` is in the future)',
} as const;

const zhCN: Record<keyof typeof en, string> = {
  'cli.unknown_command': '没有“{command}”这个命令。运行 `npm run opsdesk -- --help` 查看可用命令。',
  'cli.bad_args': '无法识别的参数（{problem}）。运行 `npm run opsdesk -- --help` 查看可用命令。',
  'cli.bad_at': '--at 需要 ISO 时间，例如 2026-11-25T09:00:00+08:00，收到的是“{value}”。',
  'cli.job_expected': 'job 需要以下任务之一：{jobs}。',
  'cli.job_unknown': 'job 需要以下任务之一：{jobs}；收到的是“{name}”。',
  'cli.job_planned': 'job 需要以下任务之一：{jobs}；收到的是“{name}”（“{name}”属于后续功能，尚未实现）。',
  'cli.env_invalid': '环境变量有误：{problem}。请按 README“Environment”一节设置该变量，然后重新运行命令。',
  'cli.config_invalid': 'opsdesk.yml 有误：{problem}。请修改（所有配置项见 opsdesk.example.yml），然后重新运行命令。',
  'cli.store_busy': '{busy} 内置数据库同一时间只能由一个进程打开。请先停止应用（Ctrl-C）再运行命令，或设置 DATABASE_URL 让两者共用一个 Postgres 服务器。',
  'cli.job_failed': '{job} 运行失败：{error}',
  'cli.job_crashed': '{job} 意外失败（{error}）。本次运行已记录在 job_runs 中；请设置 LOG_LEVEL=debug 重新运行命令，查看出错位置。',
  'cli.unexpected': '命令意外失败（{error}），未做其他操作；请设置 LOG_LEVEL=debug 重新运行，查看出错位置。',
  'cli.migrated': '数据库迁移已完成',
  'cli.job_done': '{job}（{at}）：{counts}',
  'cli.delivered': '已发送 {count} 条 Slack 消息',
  'cli.no_token': '未设置 SLACK_BOT_TOKEN：消息保留在队列中，由应用发送',
  'cli.demo_loaded': '演示数据已载入：{summary}',
  'cli.demo_already': '演示数据已经载入（{since}），本次未添加任何内容。如需重新开始，请使用空的数据库（新的 DATA_DIR 或数据库）。',
  'cli.demo_team': '演示团队：{people}',
  'cli.demo_skipped': '演示中未包含：{what}',
  'cli.demo_no_patrol': '巡检记录（opsdesk.yml 中没有 `patrols` 巡检表；opsdesk.demo.yml 中有）',
  'cli.demo_no_rotation': '值班交接（opsdesk.yml 中没有 `oncall.rotations`；opsdesk.demo.yml 中有）',
  'cli.demo_rotation_not_started': '值班交接（轮班“{name}”尚未有过交接：其 `start` 在未来）',
};

defineMessages('cli', en, zhCN);

declare module '../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
