export { deciderSpec } from './decider-spec';
export type { Decide, Evolve, DeciderSpec, DeciderWhen, DeciderThen } from './decider-spec';
