// The reviews catalogue: English first, then 简体中文 with the same keys.
export const reviewsEn = {} as const;

export const reviewsZh: Record<keyof typeof reviewsEn, string> = {};
