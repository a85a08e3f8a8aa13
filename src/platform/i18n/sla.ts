// The sla catalogue: English first, then 简体中文 with the same keys.
export const slaEn = {} as const;

export const slaZh: Record<keyof typeof slaEn, string> = {};
