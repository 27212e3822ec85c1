import { DebitAudit } from './chaos-audit-debits';
import { DlqAudit } from './chaos-audit-dlq';
import { ProjectionAudit } from './chaos-audit-projection';
import { ReservationAudit } from './chaos-audit-reservations';
import { InjectedFault } from './chaos-faults';
import { ChaosLimits } from './chaos.options';

export interface ChaosReport {
  passed: boolean;
  settled: boolean;
  database: string;
  seed: number;
  workspaces: number;
  overdraftWorkspaces: number;
  messagesPublished: number;
  uniqueActions: number;
  duplicatesPublished: number;
  malformedPublished: number;
  publishRetries: number;
  publishRatePerSecond: number;
  debits: DebitAudit;
  dlq: DlqAudit;
  projection: ProjectionAudit;
  /** null when the run had no reservations. */
  reservations: ReservationAudit | null;
  /** Reservation calls that failed for good (after every retry), shown, not failing the run. */
  reservationErrors: string[];
  faults: InjectedFault[];
  unexpectedExits: {
    app: string;
    atMs: number;
    code: number | null;
    signal: string | null;
    outputTail: string;
  }[];
  ledgerOutputTail: string;
  projectorOutputTail: string;
  apiOutputTail: string;
  publishMs: number;
  settleMs: number;
  auditMs: number;
  totalMs: number;
}

const outputLinesShown = 6;
const crashLinesShown = 3;
const seconds = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
const count = (value: number): string => value.toLocaleString('en-US');

function reservationLines(audit: ReservationAudit | null, callsFailed: number): string[] {
  if (audit === null) return ['holds       none (no reservations in this run)'];
  const kinds = ['leaked', 'doubled', 'unexpected', 'amount', 'early', 'reserved', 'row'] as const;
  const byKind = kinds
    .map((kind) => `${kind} ${audit.findings.filter((finding) => finding.kind === kind).length}`)
    .join(', ');
  return [
    `holds       ${count(audit.planned)} asked: held ${count(audit.held)} (${audit.replayed} asked again: replayed, ${audit.endedByCleanup} found released by the client's cleanup after a lost answer), refused ${count(audit.refused)} (CREDITS_INSUFFICIENT), unanswered ${audit.unanswered} (${audit.lapsedUnanswered} short holds whose expiresAt passed while retried); ${count(audit.releaseCalls)} release calls; calls failed for good ${callsFailed}`,
    `            ended: released ${count(audit.released)}, expired ${count(audit.expired)} (${audit.expiredWhileLedgerDown} due while a ledger was down or taking over the lease; latest ${seconds(audit.expiryLatenessMsMax)} after expiresAt); still held ${count(audit.stillHeld)} = ${audit.stillHeldMicro} µcr`,
    `            ${count(audit.settleDebits)} debits named a hold (${count(audit.settleDebitsOnLiveHold)} on a live one), drew ${audit.drawnMicro} µcr; reservedMicro compared in ${count(audit.workspacesCompared)} workspaces`,
    `            findings: ${byKind}`,
  ];
}

/** Each difference the audits found, one line with its evidence. */
function differenceLines(report: ChaosReport): string[] {
  const { debits, dlq, projection } = report;
  return [
    ...debits.lost.map(
      (finding) => `lost      ${finding.workspaceId} ${finding.eventId}: ${finding.detail}`,
    ),
    ...debits.doubled.map(
      (finding) => `doubled   ${finding.workspaceId} ${finding.eventId}: ${finding.detail}`,
    ),
    ...debits.unexpected.map(
      (finding) => `unexpected ${finding.workspaceId} ${finding.eventId}: ${finding.detail}`,
    ),
    ...debits.mispriced.map(
      (finding) => `mispriced ${finding.workspaceId} ${finding.eventId}: ${finding.detail}`,
    ),
    ...debits.misattributed.map(
      (finding) => `misattributed ${finding.workspaceId} ${finding.eventId}: ${finding.detail}`,
    ),
    ...debits.workspaceDifferences.map(
      (difference) =>
        `workspace ${difference.workspaceId}: ${difference.storedCount} debits = ${difference.storedMicro} µcr, expected ${difference.expectedCount} = ${difference.expectedMicro} µcr`,
    ),
    ...dlq.missing.map(
      (finding) => `dlq missing ${finding.marker} at ${finding.where}: ${finding.detail}`,
    ),
    ...dlq.extra.map((finding) => `dlq extra   ${finding.where}: ${finding.detail}`),
    ...dlq.badHeaders.map(
      (finding) => `dlq headers ${finding.marker} at ${finding.where}: ${finding.detail}`,
    ),
    ...projection.mismatches.map(
      (mismatch) => `projection ${mismatch.workspaceId}: ${mismatch.detail}`,
    ),
    ...(report.reservations?.findings ?? []).map(
      (finding) =>
        `hold ${finding.kind} ${finding.workspaceId} ${finding.reservationId}: ${finding.detail}`,
    ),
    ...report.reservationErrors.map((error) => `hold call failed ${error}`),
  ];
}

/** The one-screen report; differences are listed (a few of each) with the evidence to chase them. */
export function formatChaosReport(report: ChaosReport): string {
  const { debits, dlq, projection } = report;
  const lines = [
    `chaos run ${report.passed ? 'PASSED' : 'FAILED'}  (seed ${report.seed}, database ${report.database})`,
    `published   ${count(report.messagesPublished)} messages at ${count(report.publishRatePerSecond)}/s over ${seconds(report.publishMs)}: ${count(report.uniqueActions)} unique actions, ${count(report.duplicatesPublished)} duplicates, ${count(report.malformedPublished)} malformed; ${count(report.workspaces)} workspaces (${report.overdraftWorkspaces} with a tiny allocation); ${report.publishRetries} publish retries`,
    `debits      expected ${count(debits.expectedCount)} = ${debits.expectedMicro} µcr; stored ${count(debits.storedCount)} = ${debits.storedMicro} µcr`,
    `            lost ${debits.lost.length}, doubled ${debits.doubled.length}, unexpected ${debits.unexpected.length}, mispriced ${debits.mispriced.length}, misattributed ${debits.misattributed.length}; workspaces differing ${debits.workspaceDifferences.length} of ${count(debits.workspacesCompared)}; workspaces in overdraft ${debits.workspacesInOverdraft}`,
    `dlq         ${count(dlq.dlqMessages)} dead letters; malformed published ${count(dlq.malformedPublished)} (${count(dlq.malformedInSource)} in the topic): matched ${count(dlq.matched)}, missing ${dlq.missing.length}, extra ${dlq.extra.length}, bad headers ${dlq.badHeaders.length}, redelivered copies ${dlq.redeliveredCopies}`,
    `projection  ${count(projection.compared)} balances compared with a replay at checkpoint ${projection.checkpoint ?? 'none'} (head ${projection.head}): ${projection.mismatches.length} mismatches`,
    ...reservationLines(report.reservations, report.reservationErrors.length),
    `faults      ${report.faults.map((fault) => `${fault.kind}@${seconds(fault.atMs)}`).join(', ') || 'none'}`,
    `crashes     ${report.unexpectedExits.length === 0 ? 'no unexpected exits' : report.unexpectedExits.map((exit) => `${exit.app}@${seconds(exit.atMs)} (code ${exit.code}, signal ${exit.signal})`).join(', ')}`,
    `settled     ${report.settled ? 'yes' : 'NO (timed out)'} after ${seconds(report.settleMs)}; audit ${seconds(report.auditMs)}; total ${seconds(report.totalMs)}`,
  ];
  const evidence = differenceLines(report);
  if (evidence.length > 0) {
    lines.push(
      `differences (first ${Math.min(evidence.length, ChaosLimits.differencesShownMax)} of ${evidence.length}):`,
    );
    lines.push(...evidence.slice(0, ChaosLimits.differencesShownMax).map((line) => `  ${line}`));
  }
  for (const exit of report.unexpectedExits) {
    const last = exit.outputTail.trim().split('\n').slice(-crashLinesShown);
    lines.push(
      `${exit.app} exit at ${seconds(exit.atMs)}, last output:`,
      ...last.map((line) => `  ${line.slice(0, 300)}`),
    );
  }
  for (const [app, tail] of [
    ['ledger', report.ledgerOutputTail],
    ['projector', report.projectorOutputTail],
    ['billing-api', report.apiOutputTail],
  ] as const) {
    const last = tail.trim().split('\n').slice(-outputLinesShown);
    if (last.length > 0 && last[0] !== '')
      lines.push(
        `${app} output (last ${last.length} lines):`,
        ...last.map((line) => `  ${line.slice(0, 300)}`),
      );
  }
  return lines.join('\n');
}
