// The visits catalogue: English first, then 简体中文 with the same keys.
export const visitsEn = {} as const;

export const visitsZh: Record<keyof typeof visitsEn, string> = {};
