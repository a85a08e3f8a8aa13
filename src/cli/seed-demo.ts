// `seed-demo`: a small Chinese retail customer base and a few days of a team's work, loaded once.
//
// Everything goes through the modules' own use cases (the same ones Slack and the customer page
// call), so the demo obeys the real rules and has the real events, audit rows and queued messages.
// An injected clock places each step in the past, relative to the command's time (`--at` or now):
// tickets in every state, each with the customer's expected time, and SLA stages (one on time, one
// warned, some breached); visit orders in every state, including a late notice and an order the
// customer signed off on the sign-off page; an on-call handover and a patrol run with an abnormal
// item (when opsdesk.yml has a rotation and a checklist: opsdesk.demo.yml has both); change requests,
// knowledge-base articles, and a ticket opened by a monitoring alert.
//
// Loaded once: the whole demo is one transaction that starts by looking for the audit row of an
// earlier load (under an advisory lock, so two runs at once load it once); when there is one, it
// adds nothing. The load itself is that audit row (actor `seed-demo`, action `demo.load`).
//
// People: Slack shows a user's name from the workspace (opsdesk has no users:read scope), so the
// demo works as the people opsdesk.yml lists under `roles` when it names a supervisor, a dispatcher
// and two engineers. Otherwise it works as DEMO_TEAM, made-up users with English and Chinese names,
// whose ids opsdesk.demo.yml lists (and the sandbox can show by name).
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/config.js';
import { buildServices, type Services } from '../services.js';
import { auditLog } from '../platform/audit.table.js';
import { audit } from '../platform/audit.js';
import { ManualClock } from '../platform/clock.js';
import { rows, type Db } from '../platform/db.js';
import type { Locale, MessageKey, Params } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';
import { customers } from '../modules/customers/index.js';
import * as tickets from '../modules/tickets/index.js';
import * as visits from '../modules/visits/index.js';
import * as changes from '../modules/changes/index.js';
import { computePendingHints, publishArticle } from '../modules/kb/index.js';
import { claimRun, patrolRuns, runPatrolJob, submitRun } from '../modules/patrols/index.js';
import { acknowledgeHandover, oncallHandovers, openHandovers } from '../modules/oncall/index.js';
import { parseAlertPayload, receiveAlerts } from '../modules/alerts/index.js';

export type DemoRole = 'supervisor' | 'dispatcher' | 'engineer';

/** The made-up team the demo works as when opsdesk.yml lists no team of its own. */
export const DEMO_TEAM: readonly { id: string; role: DemoRole; name: Record<Locale, string> }[] = [
  { id: 'U0DEMOSUP1', role: 'supervisor', name: { en: 'Zhou Min', 'zh-CN': '周敏' } },
  { id: 'U0DEMODSP1', role: 'dispatcher', name: { en: 'Zhao Lei', 'zh-CN': '赵磊' } },
  { id: 'U0DEMOENG1', role: 'engineer', name: { en: 'Li Wei', 'zh-CN': '李伟' } },
  { id: 'U0DEMOENG2', role: 'engineer', name: { en: 'Wang Fang', 'zh-CN': '王芳' } },
  { id: 'U0DEMOENG3', role: 'engineer', name: { en: 'Chen Jie', 'zh-CN': '陈杰' } },
];

const CUSTOMERS = [
  { name: '上海示例连锁超市', site: '徐汇区漕溪北路店', address: '上海市徐汇区漕溪北路 88 号', contactName: '王丽', phone: '13812345678' },
  { name: '杭州百货集团', site: '西湖银泰店', address: '杭州市上城区延安路 98 号', contactName: '陈刚', phone: '13905711234' },
  { name: '南京便利店有限公司', site: '新街口 12 号店', address: '南京市秦淮区中山南路 1 号', contactName: '李娜', phone: '025-84561234' },
  { name: '苏州家居广场', site: '园区旗舰店', address: '苏州市工业园区现代大道 88 号', contactName: '张伟', phone: '15262001234' },
  { name: '成都火锅连锁', site: '春熙路店', address: '成都市锦江区春熙路 10 号', contactName: '刘洋', phone: '18628001234' },
];

type Progress = 'new' | 'taken' | 'remote' | 'waiting' | 'resolved' | 'closed' | 'cancelled';

/** A ticket's story: opened `opened` hours before now, the customer expecting it `expected` hours after opening. */
interface TicketStory {
  customer: number;
  title: string;
  category: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  product: string;
  description: string;
  opened: number;
  expected: number;
  progress: Progress;
}

const TICKETS: TicketStory[] = [
  // Acknowledged two days ago and still open: its resolution target is long breached.
  { customer: 0, title: '收银机无法联网，无法结账', category: 'pos', priority: 'P1', product: '收银系统', description: '三台收银机同时断网，门店排队严重。', opened: 50, expected: 2, progress: 'taken' },
  // New for 1 h 40 min: 83 % of the P3 response target, so the sweep warns.
  { customer: 0, title: '会员积分未到账', category: 'software', priority: 'P3', product: '积分产品', description: '顾客昨天消费的积分今天仍未到账。', opened: 1.67, expected: 20, progress: 'new' },
  { customer: 1, title: '小票打印机卡纸', category: 'printer', priority: 'P3', product: '小票打印机', description: '2 号收银台打印机频繁卡纸。', opened: 30, expected: 8, progress: 'resolved' },
  { customer: 1, title: '店长账号被锁定', category: 'account', priority: 'P2', product: '门店管理后台', description: '连续输错密码后账号被锁。', opened: 48, expected: 3, progress: 'closed' },
  { customer: 2, title: '监控录像机硬盘告警', category: 'hardware', priority: 'P2', product: '监控系统', description: 'NVR 提示硬盘故障。', opened: 20, expected: 24, progress: 'waiting' },
  { customer: 2, title: '门店 Wi-Fi 时断时续', category: 'network', priority: 'P3', product: '门店网络', description: '下午高峰期无线网络经常掉线。', opened: 5, expected: 6, progress: 'remote' },
  { customer: 3, title: '电子价签不同步', category: 'software', priority: 'P4', product: '电子价签', description: '部分价签显示旧价格。', opened: 10, expected: 24, progress: 'cancelled' },
  { customer: 4, title: '点餐平板无法登录', category: 'software', priority: 'P2', product: '点餐系统', description: '所有点餐平板提示服务器连接失败。', opened: 6, expected: 2, progress: 'resolved' },
  // Just opened: on time.
  { customer: 3, title: '新开门店网络布线咨询', category: 'network', priority: 'P4', product: '门店网络', description: '下月新店开业，需要确认网络布线方案。', opened: 0.2, expected: 48, progress: 'new' },
];

type VisitGoal = visits.VisitState;

/** A visit order's story: its ticket opened `opened` hours before now, and how far the order gets. */
const VISITS: { customer: number; title: string; category: string; product: string; need: string; opened: number; goal: VisitGoal }[] = [
  { customer: 0, title: '二楼收银台扫码枪损坏', category: 'hardware', product: '扫码枪', need: '携带备用扫码枪上门更换', opened: 1, goal: 'open' },
  { customer: 1, title: '仓库门禁读卡器失灵', category: 'hardware', product: '门禁系统', need: '检查读卡器与控制器接线', opened: 3, goal: 'accepted' },
  { customer: 2, title: '后厨打印机需更换', category: 'printer', product: '厨房打印机', need: '更换厨房打印机并测试出单', opened: 6, goal: 'scheduled' },
  { customer: 3, title: '监控摄像头离线', category: 'hardware', product: '监控系统', need: '排查 3 号摄像头供电与网络', opened: 8, goal: 'late' },
  { customer: 4, title: '冷柜温控器报警', category: 'hardware', product: '冷链设备', need: '检查温控器并校准', opened: 30, goal: 'no_contact' },
  { customer: 0, title: '自助收银机触摸屏无响应', category: 'pos', product: '自助收银机', need: '更换触摸屏排线', opened: 5, goal: 'on_site' },
  { customer: 1, title: 'POS 主机硬盘更换', category: 'pos', product: '收银系统', need: '更换故障硬盘并恢复系统', opened: 26, goal: 'completed' },
  { customer: 2, title: '无线 AP 更换', category: 'network', product: '门店网络', need: '更换收银区无线 AP', opened: 50, goal: 'confirmed' },
  { customer: 3, title: '门店服务器内存升级', category: 'hardware', product: '门店服务器', need: '加装 2 条 16 GB 内存', opened: 72, goal: 'archived' },
  { customer: 4, title: '总部机房空调维护', category: 'other', product: '机房空调', need: '空调滤网清洗', opened: 12, goal: 'declined' },
  { customer: 0, title: '收银台显示器闪屏', category: 'hardware', product: '收银系统', need: '更换顾客显示屏', opened: 9, goal: 'cancelled' },
];

export interface DemoPerson {
  id: string;
  role: DemoRole;
  /** "Li Wei 李伟" for the made-up team; the id alone for configured people (Slack names them). */
  name: string;
}

export type SeedResult =
  | { status: 'loaded'; counts: Record<string, number>; team: DemoPerson[]; skipped: { key: MessageKey; params?: Params }[] }
  | { status: 'already'; since: Date };

const HOUR = 3_600_000;

/** The people the demo works as: opsdesk.yml's team when it lists enough people, else DEMO_TEAM. */
function demoTeam(config: Config): { roles: Config['roles']; people: DemoPerson[]; sup: string; desk: string; engineers: string[] } {
  const r = config.roles;
  const supervisors = [...r.admins, ...r.supervisors];
  if (supervisors.length > 0 && r.dispatchers.length > 0 && r.engineers.length >= 2) {
    const people: DemoPerson[] = [
      ...supervisors.map((id) => ({ id, role: 'supervisor' as const, name: id })),
      ...r.dispatchers.map((id) => ({ id, role: 'dispatcher' as const, name: id })),
      ...r.engineers.map((id) => ({ id, role: 'engineer' as const, name: id })),
    ];
    const engineers = r.engineers.filter((id) => id !== supervisors[0] && id !== r.dispatchers[0]);
    return { roles: r, people, sup: supervisors[0]!, desk: r.dispatchers[0]!, engineers: engineers.length >= 2 ? engineers : r.engineers };
  }
  const of = (role: DemoRole) => DEMO_TEAM.filter((p) => p.role === role).map((p) => p.id);
  const people = DEMO_TEAM.map((p) => ({ id: p.id, role: p.role, name: `${p.name.en} ${p.name['zh-CN']}` }));
  return { roles: { ...r, supervisors: of('supervisor'), dispatchers: of('dispatcher'), engineers: of('engineer') }, people, sup: of('supervisor')[0]!, desk: of('dispatcher')[0]!, engineers: of('engineer') };
}

/**
 * Loads the demo as of `now`, once. A second call (even at the same time as the first) adds nothing
 * and returns when the demo was loaded.
 */
export async function seedDemo(opts: { db: Db; config: Config; logger: Logger; now: Date }): Promise<SeedResult> {
  const { now } = opts;
  return opts.db.transaction(async (tx) => {
    await rows(tx, sql`select pg_advisory_xact_lock(hashtext('opsdesk:seed-demo'))`);
    const [loaded] = await tx.select({ at: auditLog.at }).from(auditLog).where(and(eq(auditLog.action, 'demo.load'), eq(auditLog.actor, 'seed-demo'))).limit(1);
    if (loaded) return { status: 'already' as const, since: loaded.at };
    const team = demoTeam(opts.config);
    const config: Config = { ...opts.config, roles: team.roles };
    const clock = new ManualClock(now);
    const services = inOneTransaction(buildServices({ db: tx, config, clock, logger: opts.logger, queued: () => {} }));
    const result = await loadDemo(services, clock, now, team);
    await audit(tx, { at: now, actor: 'seed-demo', action: 'demo.load', subject: 'demo', outcome: 'ok', detail: result.counts });
    return { status: 'loaded' as const, ...result, team: team.people };
  });
}

/**
 * The services with nothing running beside the demo's own steps: a new ticket's similar-articles
 * hint is computed after its commit without being awaited, which inside the demo's one transaction
 * would share its connection with the next step. The demo computes the pending hints at the end, as
 * the kb-hints job does.
 */
function inOneTransaction(s: Services): Services {
  const ticketDeps: tickets.TicketDeps = Object.freeze({ ...s.tickets, afterCreated: [] });
  const changeDeps: changes.ChangeDeps = Object.freeze({ ...s.changes, tickets: ticketDeps });
  return Object.freeze({
    ...s,
    tickets: ticketDeps,
    sla: Object.freeze({ ...s.sla, tickets: ticketDeps }),
    patrols: Object.freeze({ ...s.patrols, tickets: ticketDeps }),
    changes: changeDeps,
    oncall: Object.freeze({ ...s.oncall, tickets: ticketDeps, changes: changeDeps }),
    alerts: Object.freeze({ ...s.alerts, tickets: ticketDeps }),
  });
}

async function loadDemo(s: Services, clock: ManualClock, now: Date, team: ReturnType<typeof demoTeam>) {
  const at = (hoursBeforeNow: number) => clock.set(new Date(now.getTime() - hoursBeforeNow * HOUR));
  const time = (hoursBeforeNow: number) => new Date(now.getTime() - hoursBeforeNow * HOUR);
  const { sup, desk, engineers } = team;
  const eng = (i: number) => engineers[i % engineers.length]!;
  const skipped: { key: MessageKey; params?: Params }[] = [];
  const counts: Record<string, number> = { customers: 0, tickets: 0, alerts: 0, 'visit orders': 0, 'change requests': 0, 'KB articles': 0, 'patrol runs': 0, handovers: 0 };

  // Customers: the customers module has no use case for a whole customer record, so a plain insert.
  at(24 * 7);
  for (const c of CUSTOMERS) {
    const added = await s.db.insert(customers).values({ ...c, createdAt: clock.now() }).onConflictDoNothing().returning({ id: customers.id });
    counts.customers! += added.length;
  }
  const found = await s.db.select().from(customers).where(sql`${customers.name} in ${CUSTOMERS.map((c) => c.name)}`);
  const customerOf = (i: number) => {
    const c = CUSTOMERS[i]!;
    return { ...c, id: found.find((f) => f.name === c.name)!.id };
  };

  const open = async (story: { customer: number; title: string; category: string; priority: TicketStory['priority']; product: string; description: string; opened: number; expected: number }) => {
    const c = customerOf(story.customer);
    at(story.opened);
    const t = await tickets.openTicket(
      s.tickets,
      { customerId: c.id, site: c.site, callerName: c.contactName, callerPhone: c.phone, product: story.product, category: story.category, priority: story.priority, title: story.title, description: story.description, expectedAt: time(story.opened - story.expected) },
      desk,
    );
    counts.tickets!++;
    return t;
  };

  // ── Tickets in every state ──────────────────────────────────────────────────────────────────
  const opened: Record<string, tickets.TicketWithCustomer> = {};
  for (const [i, story] of TICKETS.entries()) {
    const t = await open(story);
    opened[story.title] = t;
    const engineer = eng(i);
    const step = (h: number) => at(story.opened - h);
    if (story.progress === 'new') continue;
    if (story.progress === 'cancelled') {
      step(0.5);
      await tickets.cancelTicket(s.tickets, t.id, desk, '客户重复报障，已在另一张工单中处理');
      continue;
    }
    step(0.1);
    await tickets.takeTicket(s.tickets, t.id, engineer);
    if (story.progress === 'remote') {
      // Remote help (远程排障): the caller's consent first, then one step; the ticket is in progress.
      step(0.3);
      await tickets.recordRemoteConsent(s.tickets, t.id, engineer, { consentedBy: CUSTOMERS[story.customer]!.contactName, method: 'phone', consentedAt: clock.now() });
      step(0.5);
      await tickets.logRemoteStep(s.tickets, t.id, engineer, { step: '远程登录门店路由器，查看无线信道占用', result: '信道拥堵，已切换到 5 GHz 信道，继续观察' });
    }
    if (story.progress === 'waiting') {
      step(1);
      await tickets.waitOnCustomer(s.tickets, t.id, engineer, '等待客户提供设备序列号');
    }
    if (story.progress === 'resolved' || story.progress === 'closed') {
      step(Math.min(3, story.opened / 2));
      await tickets.resolveTicket(s.tickets, t.id, engineer, { cause: '配置被误改', fix: '远程恢复配置并验证', faultCategory: story.category });
    }
    if (story.progress === 'closed') {
      step(Math.min(4, story.opened * 0.75));
      await tickets.closeTicket(s.tickets, t.id, engineer);
    }
  }

  // ── Visit orders in every state ─────────────────────────────────────────────────────────────
  // The sign-off link the customer gets when the engineer completes (the notifier DMs it).
  const signoff: { url?: string } = {};
  const notify = s.visits.notify;
  const vdeps: visits.VisitDeps = Object.freeze({
    ...s.visits,
    notify: {
      ...notify,
      changed: (tx: Db, order: visits.VisitOrderView, change: visits.VisitChange) => {
        if (change.signoff) signoff.url = change.signoff.url;
        return notify.changed(tx, order, change);
      },
    },
  });
  for (const [i, v] of VISITS.entries()) {
    const engineer = eng(i + 1);
    const c = customerOf(v.customer);
    const t = await open({ ...v, priority: 'P3', description: v.need, expected: 24 });
    const h = (after: number) => at(v.opened - after);
    const later = (after: number) => time(v.opened - after);
    h(0.1);
    await tickets.takeTicket(s.tickets, t.id, engineer);
    h(0.3);
    // Requested for the day after the call, or — for orders already done — a few hours after it.
    const done = ['on_site', 'completed', 'confirmed', 'archived'].includes(v.goal);
    const requested = done ? later(v.opened * 0.5) : later(Math.max(v.opened + 18, 20));
    let o = await visits.createVisitOrder(vdeps, t.id, { address: c.address, contactName: c.contactName, contactPhone: c.phone, need: v.need, requestedStart: requested }, desk);
    counts['visit orders']!++;
    if (v.goal === 'open') continue;
    if (v.goal === 'declined') {
      h(1);
      await visits.declineVisit(vdeps, o.id, desk, '不在服务范围内，已转空调厂商处理');
      continue;
    }
    if (v.goal === 'cancelled') {
      h(0.5);
      await visits.cancelVisit(vdeps, o.id, desk, '客户已自行更换显示屏');
      continue;
    }
    h(0.5);
    o = await visits.acceptVisit(vdeps, o.id, engineer);
    if (v.goal === 'accepted') continue;
    if (v.goal === 'no_contact') {
      // Three unanswered calls, then a note left at the site (未见客户留言条).
      for (const [n, result] of (['no_answer', 'busy', 'no_answer'] as const).entries()) {
        h(1 + n * 0.5);
        await visits.recordCallAttempt(vdeps, o.id, engineer, { result });
      }
      h(6);
      await visits.leaveNote(vdeps, o.id, engineer, { at: clock.now(), where: '门店前台，交给值班店员', phone: '021-64871234' });
      continue;
    }
    h(1);
    // The agreed window: in the past for orders already visited, ahead for those still to come.
    const start = v.goal === 'late' ? time(-1) : v.goal === 'on_site' ? time(1) : done ? later(v.opened * 0.5) : time(-18);
    o = await visits.confirmWindow(vdeps, o.id, engineer, { start, address: c.address, contactName: c.contactName, contactPhone: c.phone, customerAgreed: true });
    if (v.goal === 'scheduled') continue;
    if (v.goal === 'late') {
      // Stuck in traffic half an hour before the window: the late notice, with the customer told.
      at(0.5);
      await visits.reportLate(vdeps, o.id, engineer, { reason: 'traffic', detail: '内环高架拥堵', eta: time(-1.5), customerTold: true });
      continue;
    }
    const arrival = v.goal === 'on_site' ? time(0.9) : new Date(start.getTime() + 10 * 60_000);
    clock.set(arrival);
    o = await visits.arrive(vdeps, o.id, engineer);
    if (v.goal === 'on_site') continue;
    clock.set(new Date(arrival.getTime() + 2 * HOUR));
    signoff.url = undefined;
    o = await visits.completeVisit(vdeps, o.id, engineer, { workDone: `${v.need}，测试正常`, partsUsed: v.goal === 'completed' ? '硬盘 1 块' : undefined, result: 'resolved', followUp: 'no' });
    if (v.goal === 'completed') continue;
    clock.set(new Date(arrival.getTime() + 3 * HOUR));
    if (v.goal === 'confirmed') {
      // A colleague called the customer back (the engineer never signs for the customer).
      await visits.confirmByCallback(vdeps, o.id, desk, { person: c.contactName, rating: '5', comment: '问题已解决' });
      continue;
    }
    // Signed off by the customer on the sign-off page, then archived and the ticket resolved.
    const token = (signoff.url as string | undefined)?.split('/').pop(); // set by the notifier during completeVisit
    if (!token) throw new Error('completing a visit order issued no sign-off link');
    const signed = await visits.confirmBySignoff(vdeps, token, { name: c.contactName, rating: '5', comment: '工程师很专业，准时到达' });
    if (signed.status !== 'confirmed') throw new Error(`the demo sign-off was not accepted (${signed.status})`);
    clock.set(new Date(arrival.getTime() + 4 * HOUR));
    await visits.archiveVisit(vdeps, o.id, desk);
    await tickets.resolveTicket(s.tickets, t.id, engineer, { cause: '内存不足导致服务卡顿', fix: '加装内存并验证', faultCategory: v.category });
  }

  // ── Change requests: one waiting for approval, one scheduled, one done ─────────────────────
  const change = (title: string, hoursAhead: number, implementer: string): changes.ChangeDraft => ({
    title,
    systems: '门店网络, 收银系统',
    description: `${title}，按标准步骤实施。`,
    reason: '厂商发布安全补丁，需在营业时间外升级。',
    risk: 'medium',
    impact: '实施期间门店收银短暂中断（约 10 分钟）。',
    testEvidence: '已在测试门店验证通过。',
    plan: '1. 备份配置 2. 升级固件 3. 验证收银联网',
    rollbackPlan: '恢复备份配置并回退到原固件版本。',
    windowStart: time(-hoursAhead),
    windowEnd: time(-hoursAhead - 2),
    implementer,
  });
  at(2);
  await changes.submitChange(s.changes, change('门店路由器固件升级（杭州）', 48, eng(1)), eng(1));
  at(30);
  const scheduled = await changes.submitChange(s.changes, change('收银服务器补丁更新（南京）', 24, eng(2)), eng(2));
  at(29);
  await changes.approveChange(s.changes, scheduled.change.id, sup);
  at(28);
  await changes.scheduleChange(s.changes, scheduled.change.id, eng(2));
  at(72);
  const done = await changes.submitChange(s.changes, change('核心交换机配置变更（上海）', -24, eng(0)), eng(0));
  at(70);
  await changes.approveChange(s.changes, done.change.id, sup);
  at(69);
  await changes.scheduleChange(s.changes, done.change.id, eng(0));
  const window = done.change.windowStart.getTime();
  clock.set(new Date(window + 5 * 60_000));
  await changes.startChange(s.changes, done.change.id, eng(0));
  clock.set(new Date(window + 60 * 60_000));
  await changes.finishChange(s.changes, done.change.id, eng(0));
  clock.set(new Date(window + 90 * 60_000));
  await changes.verifyChange(s.changes, done.change.id, eng(0), { checked: '各门店收银联网、核心交换机日志', outcome: '全部正常' });
  counts['change requests'] = 3;

  // ── Knowledge base: the article of a resolved ticket, and one written from experience ──────
  at(2);
  const tablet = opened['点餐平板无法登录']!;
  await publishArticle(s.kb, { title: '点餐平板提示服务器连接失败', symptom: '所有点餐平板登录时提示服务器连接失败。', cause: '门店路由器配置被误改，点餐服务器地址不可达。', fix: '远程恢复路由器配置，重启点餐服务后验证登录。', product: '点餐系统', faultCategory: 'software', tags: ['点餐', '网络'] }, eng(7), { sourceTicketId: tablet.id });
  at(20);
  await publishArticle(s.kb, { title: '小票打印机频繁卡纸的处理', symptom: '收银台小票打印机出纸时卡纸。', cause: '纸卷规格不符或切刀积灰。', fix: '更换 80 mm 标准纸卷，清洁切刀与走纸轮。', product: '小票打印机', faultCategory: 'printer', tags: ['打印机'] }, eng(2));
  counts['KB articles'] = 2;

  // ── A patrol run with an abnormal item (its ticket is opened by the patrols module) ─────────
  const checklist = s.config.patrols[0];
  if (!checklist) skipped.push({ key: 'cli.demo_no_patrol' });
  else {
    at(27);
    await runPatrolJob(s.patrols, clock.now(), checklist.name);
    const [run] = await s.db.select().from(patrolRuns).where(eq(patrolRuns.checklist, checklist.name)).orderBy(desc(patrolRuns.slotAt)).limit(1);
    at(26.8);
    await claimRun(s.patrols, run!.id, eng(0));
    at(26);
    const results = checklist.items.map((_, i) => (i === Math.min(2, checklist.items.length - 1) ? { position: i + 1, status: 'abnormal', note: '使用率 92%，需清理日志' } : { position: i + 1, status: 'ok' }));
    await submitRun(s.patrols, run!.id, eng(0), results, '其余项目正常');
    counts['patrol runs'] = 1;
    counts.tickets! += 1;
  }

  // ── On call: a handover in the past, acknowledged by the incoming engineer ──────────────────
  const rotation = s.config.oncall.rotations[0];
  if (!rotation) skipped.push({ key: 'cli.demo_no_rotation' });
  else {
    const opening = await openHandovers(s.oncall, time(12), rotation.name);
    const [h] = await s.db.select().from(oncallHandovers).where(eq(oncallHandovers.rotation, rotation.name)).orderBy(desc(oncallHandovers.handoverAt)).limit(1);
    if (!h || opening.skipped > 0) skipped.push({ key: 'cli.demo_rotation_not_started', params: { name: rotation.name } });
    else {
      clock.set(new Date(h.handoverAt.getTime() + 10 * 60_000));
      await acknowledgeHandover(s.oncall, h.id, h.incoming, { moveTickets: false });
      counts.handovers = 1;
    }
  }

  // ── A ticket opened by monitoring: Alertmanager's webhook, as POST /alerts/alertmanager takes it ──
  at(3);
  const alert = parseAlertPayload('alertmanager', {
    version: '4',
    status: 'firing',
    receiver: 'opsdesk',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'NodeFilesystemSpaceLow', instance: 'store-sh-01:9100', mountpoint: '/var', severity: 'critical' },
        annotations: { summary: '门店服务器磁盘空间不足（上海漕溪北路店）', description: '/var 分区可用空间低于 5%。' },
        startsAt: time(3.1).toISOString(),
        generatorURL: 'http://prometheus.example.com/graph?g0.expr=node_filesystem_avail_bytes',
      },
    ],
  });
  const alerted = await receiveAlerts(s.alerts, alert);
  counts.tickets! += alerted.opened.length;
  counts.alerts = alerted.opened.length;

  // ── SLA stages as of now: the sweep records (and queues) the warnings and breaches due ───────
  clock.set(now);
  await tickets.sweepTickets(s.sla, now);
  await visits.sweepVisitOrders(s.visits, now);
  await computePendingHints(s.kb, now);
  return { counts, skipped };
}
