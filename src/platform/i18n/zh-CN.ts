// 简体中文目录：由各模块文件合成，键与 en.ts 完全一致（有测试检查）。
import type { en } from './en.js';
import { coreZh } from './core.js';
import { slaZh } from './sla.js';
import { visitsZh } from './visits.js';
import { oncallZh } from './oncall.js';
import { patrolsZh } from './patrols.js';
import { reviewsZh } from './reviews.js';
import { homeZh } from './home.js';

export const zhCN: Record<keyof typeof en, string> = { ...coreZh, ...slaZh, ...visitsZh, ...oncallZh, ...patrolsZh, ...reviewsZh, ...homeZh };
