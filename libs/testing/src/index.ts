export { deciderSpec } from './decider-spec';
export type { Decide, Evolve, DeciderSpec, DeciderWhen, DeciderThen } from './decider-spec';
export * from './credit-fixtures';
export { decideOrRefuse, historyArb, runHistory } from './credit-histories';
export type { HistoryRun } from './credit-histories';
