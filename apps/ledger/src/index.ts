export {
  startLedger,
  LedgerDependencies,
  RunningLedger,
  ledgerGroupIdDefault,
} from './ledger.service';
export { LedgerMetrics } from './ledger.metrics';
export { ledgerGroupIdFromEnvironment } from './ledger.config';
