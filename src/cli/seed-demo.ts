// `seed-demo`: a small Chinese retail customer base and tickets in every state (new, acknowledged,
// in progress, waiting on the customer, resolved, closed, cancelled), opened and worked through the
// same services as in Slack (so they have events, due times and messages).
import { customers } from '../modules/customers/index.js';
import * as tickets from '../modules/tickets/index.js';
import { sql } from 'drizzle-orm';
import { canDispatch } from '../platform/roles.js';

const CUSTOMERS = [
  { name: '上海示例连锁超市', site: '徐汇区漕溪北路店', address: '上海市徐汇区漕溪北路 88 号', contactName: '王丽', phone: '13812345678' },
  { name: '杭州百货集团', site: '西湖银泰店', address: '杭州市上城区延安路 98 号', contactName: '陈刚', phone: '13905711234' },
  { name: '南京便利店有限公司', site: '新街口 12 号店', address: '南京市秦淮区中山南路 1 号', contactName: '李娜', phone: '025-84561234' },
  { name: '苏州家居广场', site: '园区旗舰店', address: '苏州市工业园区现代大道 88 号', contactName: '张伟', phone: '15262001234' },
  { name: '成都火锅连锁', site: '春熙路店', address: '成都市锦江区春熙路 10 号', contactName: '刘洋', phone: '18628001234' },
];

const TICKETS: { customer: number; title: string; category: string; priority: 'P1' | 'P2' | 'P3' | 'P4'; product: string; callerName: string; phone: string; description: string; progress: 'new' | 'taken' | 'remote' | 'waiting' | 'resolved' | 'closed' | 'cancelled' }[] = [
  { customer: 0, title: '收银机无法联网，无法结账', category: 'pos', priority: 'P1', product: '收银系统', callerName: '王丽', phone: '13812345678', description: '三台收银机同时断网，门店排队严重。', progress: 'taken' },
  { customer: 0, title: '会员积分未到账', category: 'software', priority: 'P3', product: '积分产品', callerName: '王丽', phone: '13812345678', description: '顾客昨天消费的积分今天仍未到账。', progress: 'new' },
  { customer: 1, title: '小票打印机卡纸', category: 'printer', priority: 'P3', product: '小票打印机', callerName: '陈刚', phone: '13905711234', description: '2 号收银台打印机频繁卡纸。', progress: 'resolved' },
  { customer: 1, title: '店长账号被锁定', category: 'account', priority: 'P2', product: '门店管理后台', callerName: '陈刚', phone: '13905711234', description: '连续输错密码后账号被锁。', progress: 'closed' },
  { customer: 2, title: '监控录像机硬盘告警', category: 'hardware', priority: 'P2', product: '监控系统', callerName: '李娜', phone: '025-84561234', description: 'NVR 提示硬盘故障。', progress: 'waiting' },
  { customer: 2, title: '门店 Wi-Fi 时断时续', category: 'network', priority: 'P3', product: '门店网络', callerName: '李娜', phone: '025-84561234', description: '下午高峰期无线网络经常掉线。', progress: 'remote' },
  { customer: 3, title: '电子价签不同步', category: 'software', priority: 'P4', product: '电子价签', callerName: '张伟', phone: '15262001234', description: '部分价签显示旧价格。', progress: 'cancelled' },
  { customer: 4, title: '点餐平板无法登录', category: 'software', priority: 'P2', product: '点餐系统', callerName: '刘洋', phone: '18628001234', description: '所有点餐平板提示服务器连接失败。', progress: 'resolved' },
];

const DUPLICATE_REPORT = '客户重复报障，已在另一张工单中处理';

/** Loads the demo data; run it again and it adds another round of tickets (customers stay unique). */
export async function seedDemo(deps: tickets.TicketDeps): Promise<{ customers: number; tickets: number }> {
  const now = deps.clock.now();
  for (const c of CUSTOMERS) {
    await deps.db
      .insert(customers)
      .values({ ...c, createdAt: now })
      .onConflictDoNothing();
  }
  const found = await deps.db.select().from(customers).where(sql`${customers.name} in ${CUSTOMERS.map((c) => c.name)}`);
  const idOf = (name: string) => found.find((c) => c.name === name)!.id;
  const engineers = deps.config.roles.engineers.length > 0 ? deps.config.roles.engineers : ['U0DEMOENG1', 'U0DEMOENG2'];
  const desk = deps.config.roles.dispatchers[0] ?? deps.config.roles.supervisors[0] ?? engineers[0]!;
  let n = 0;
  for (const [i, spec] of TICKETS.entries()) {
    const customer = CUSTOMERS[spec.customer]!;
    const t = await tickets.openTicket(deps, { customerId: idOf(customer.name), site: customer.site, callerName: spec.callerName, callerPhone: spec.phone, product: spec.product, category: spec.category, priority: spec.priority, title: spec.title, description: spec.description }, desk);
    n++;
    if (spec.progress === 'new') continue;
    const engineer = engineers[i % engineers.length]!;
    if (spec.progress === 'cancelled' && canDispatch(deps.config.roles, desk)) {
      // A duplicate report: the desk cancels it before anyone takes it.
      await tickets.cancelTicket(deps, t.id, desk, DUPLICATE_REPORT);
      continue;
    }
    await tickets.takeTicket(deps, t.id, engineer);
    if (spec.progress === 'remote') {
      // Remote help (远程排障): the caller's consent first, then one step; the ticket is in progress.
      await tickets.recordRemoteConsent(deps, t.id, engineer, { consentedBy: spec.callerName, method: 'phone', consentedAt: deps.clock.now() });
      await tickets.logRemoteStep(deps, t.id, engineer, { step: '远程登录门店路由器，查看无线信道占用', result: '信道拥堵，已切换到 5 GHz 信道，继续观察' });
    }
    // Without dispatch roles configured only the assignee may cancel: the engineer takes it first.
    if (spec.progress === 'cancelled') await tickets.cancelTicket(deps, t.id, engineer, DUPLICATE_REPORT);
    if (spec.progress === 'waiting') await tickets.waitOnCustomer(deps, t.id, engineer, '等待客户提供设备序列号');
    if (spec.progress === 'resolved' || spec.progress === 'closed') {
      await tickets.resolveTicket(deps, t.id, engineer, { cause: '配置被误改', fix: '远程恢复配置并验证', faultCategory: spec.category });
    }
    if (spec.progress === 'closed') await tickets.closeTicket(deps, t.id, engineer);
  }
  return { customers: CUSTOMERS.length, tickets: n };
}
