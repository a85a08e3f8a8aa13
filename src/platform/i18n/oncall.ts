// The oncall catalogue: English first, then 简体中文 with the same keys.
export const oncallEn = {} as const;

export const oncallZh: Record<keyof typeof oncallEn, string> = {};
