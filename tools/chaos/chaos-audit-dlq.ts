import { Kafka } from 'kafkajs';
import { dlqTopicOf, Topics } from '@tally/contracts';
import { ReadMessage, readWholeTopic } from './chaos-kafka';
import { expectedErrorCodeOf, MalformedMessage } from './chaos-workload';

export interface DlqFinding {
  marker: string | null;
  where: string;
  detail: string;
}

export interface DlqAudit {
  malformedPublished: number;
  /** Malformed messages as stored in the source topic (a publish retry can store one twice). */
  malformedInSource: number;
  dlqMessages: number;
  matched: number;
  /** The same source offset dead-lettered again (a batch redelivered after a kill): at-least-once. */
  redeliveredCopies: number;
  missing: DlqFinding[];
  extra: DlqFinding[];
  badHeaders: DlqFinding[];
}

const pinnedHeaders = [
  'x-error-code',
  'x-error-message',
  'x-original-topic',
  'x-original-partition',
  'x-original-offset',
];

/** A malformed message as the source topic stores it, found by its marker. */
interface SourceMessage {
  marker: string;
  value: Buffer;
  key: string;
}

/** The malformed messages in the source topic, by `partition/offset`, and the markers seen. */
interface MalformedInSource {
  byOrigin: Map<string, SourceMessage>;
  markers: Set<string>;
}

/** What checking one dead letter needs, and the audit and matched origins it adds to. */
interface DeadLetterCheck {
  sourceTopic: string;
  source: MalformedInSource;
  malformed: Map<string, MalformedMessage>;
  markerPattern: RegExp;
  matched: Set<string>;
  audit: DlqAudit;
}

/**
 * The DLQ against the malformed set: every source-topic message carrying a malformed marker must
 * be dead-lettered with the pinned headers pointing at it and the original bytes; nothing else
 * may be there. Extra copies of an already matched source offset are counted, not failed.
 */
export async function auditDlq(
  kafka: Kafka,
  malformed: Map<string, MalformedMessage>,
  markerPattern: RegExp,
): Promise<DlqAudit> {
  const sourceTopic = Topics.actionExecuted;
  const source = await readMalformedInSource(kafka, sourceTopic, markerPattern);
  const audit: DlqAudit = {
    malformedPublished: malformed.size,
    malformedInSource: source.byOrigin.size,
    dlqMessages: 0,
    matched: 0,
    redeliveredCopies: 0,
    missing: [],
    extra: [],
    badHeaders: [],
  };
  for (const marker of malformed.keys()) {
    if (!source.markers.has(marker))
      audit.missing.push({
        marker,
        where: sourceTopic,
        detail: 'published but not found in the source topic',
      });
  }
  const check: DeadLetterCheck = {
    sourceTopic,
    source,
    malformed,
    markerPattern,
    matched: new Set(),
    audit,
  };
  await readWholeTopic(kafka, dlqTopicOf(sourceTopic), (read) => checkDeadLetter(read, check));
  for (const [origin, message] of source.byOrigin) {
    if (!check.matched.has(origin))
      audit.missing.push({
        marker: message.marker,
        where: `${sourceTopic} ${origin}`,
        detail: 'never dead-lettered',
      });
  }
  return audit;
}

async function readMalformedInSource(
  kafka: Kafka,
  sourceTopic: string,
  markerPattern: RegExp,
): Promise<MalformedInSource> {
  const found: MalformedInSource = { byOrigin: new Map(), markers: new Set() };
  await readWholeTopic(kafka, sourceTopic, ({ partition, offset, message }) => {
    const value = message.value;
    if (!value) return;
    const marker = markerPattern.exec(value.toString('utf8'))?.[0];
    if (!marker) return;
    found.markers.add(marker);
    found.byOrigin.set(`${partition}/${offset}`, {
      marker,
      value,
      key: message.key?.toString('utf8') ?? '',
    });
  });
  return found;
}

/** Matches one dead letter to its malformed source message, or records why it does not match. */
function checkDeadLetter(
  { partition, offset, message }: ReadMessage,
  check: DeadLetterCheck,
): void {
  const { sourceTopic, audit } = check;
  audit.dlqMessages += 1;
  const where = `${dlqTopicOf(sourceTopic)} ${partition}/${offset}`;
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString() ?? '']),
  );
  const origin = `${headers['x-original-partition']}/${headers['x-original-offset']}`;
  const source = check.source.byOrigin.get(origin);
  const marker = message.value
    ? (check.markerPattern.exec(message.value.toString('utf8'))?.[0] ?? null)
    : null;
  if (!source || headers['x-original-topic'] !== sourceTopic) {
    audit.extra.push({
      marker,
      where,
      detail: `points at ${headers['x-original-topic']} ${origin}, which is not a malformed message (code ${headers['x-error-code']})`,
    });
    return;
  }
  const key = message.key?.toString('utf8') ?? '';
  const problem = headerProblem(headers, source, message.value, key, check.malformed);
  if (problem) {
    audit.badHeaders.push({ marker: source.marker, where, detail: problem });
    return;
  }
  if (check.matched.has(origin)) {
    audit.redeliveredCopies += 1;
    return;
  }
  check.matched.add(origin);
  audit.matched += 1;
}

function headerProblem(
  headers: Record<string, string>,
  source: SourceMessage,
  value: Buffer | null,
  key: string,
  malformed: Map<string, MalformedMessage>,
): string | null {
  const absent = pinnedHeaders.filter((name) => !headers[name]);
  if (absent.length > 0) return `missing headers ${absent.join(', ')}`;
  const kind = malformed.get(source.marker)?.kind;
  if (!kind) return `marker ${source.marker} is not in the malformed set`;
  if (headers['x-error-code'] !== expectedErrorCodeOf[kind])
    return `x-error-code ${headers['x-error-code']}, expected ${expectedErrorCodeOf[kind]} for ${kind}`;
  if (!value || !value.equals(source.value))
    return 'the dead letter does not carry the original bytes';
  if (key !== source.key) return `key ${key}, expected ${source.key}`;
  return null;
}

export function dlqAuditPassed(audit: DlqAudit): boolean {
  return (
    audit.missing.length === 0 &&
    audit.extra.length === 0 &&
    audit.badHeaders.length === 0 &&
    audit.matched === audit.malformedInSource
  );
}
