// The patrols catalogue: English first, then 简体中文 with the same keys.
export const patrolsEn = {} as const;

export const patrolsZh: Record<keyof typeof patrolsEn, string> = {};
