// The SLA module's front door: working calendars, SLA clocks and stages, and the stage sweep that
// tickets and visit orders share. Pure rules plus one generic sweep mechanism — no ticket knowledge.
export { ALWAYS, addWorkingMinutes, buildCalendars, isWorkingDayAt, isWorkingTime, workingMinutesBetween, type BusinessCalendar, type Calendar } from './calendar.rules.js';
export * as slaRules from './sla.rules.js';
export { formatLateness, STAGE_BIT, WARN_FRACTION, type SlaClocks, type SlaStage, type SlaTargetName } from './sla.rules.js';
export { sweepStages, type DueStage, type FreshStage, type StageCounts, type StageSweep } from './stage-sweep.js';
