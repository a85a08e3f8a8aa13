// The English catalogue, assembled from one file per module (each holds its zh-CN beside it).
// {name} is filled from params; {name|prefix} translates the value through the key "prefix.<value>".
import { coreEn } from './core.js';
import { slaEn } from './sla.js';
import { visitsEn } from './visits.js';
import { oncallEn } from './oncall.js';
import { patrolsEn } from './patrols.js';
import { reviewsEn } from './reviews.js';
import { homeEn } from './home.js';

export const en = { ...coreEn, ...slaEn, ...visitsEn, ...oncallEn, ...patrolsEn, ...reviewsEn, ...homeEn } as const;
