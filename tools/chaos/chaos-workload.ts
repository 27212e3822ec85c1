import { randomUUID } from 'node:crypto';
import { ContractErrorCode } from '@tally/contracts';
import { ActionToPrice, defaultPriceBook, priceAction } from '@tally/credits';
import { periodStart } from '../bench/load-mix';
import { Random } from './chaos-random';

/** One message as the driver publishes it: keyed by workspace, JSON text. */
export interface ChaosMessage {
  key: string;
  value: string;
}

export type MalformedKind = 'bad-json' | 'missing-event-id' | 'negative-tokens' | 'unknown-type';

/** The dead-letter code the pinned contract promises for each kind of bad message. */
export const expectedErrorCodeOf: Record<MalformedKind, ContractErrorCode> = {
  'bad-json': ContractErrorCode.MalformedJson,
  'missing-event-id': ContractErrorCode.ValidationFailed,
  'negative-tokens': ContractErrorCode.ValidationFailed,
  'unknown-type': ContractErrorCode.UnknownType,
};
const malformedKinds = Object.keys(expectedErrorCodeOf) as MalformedKind[];

export interface ExpectedDebit {
  workspaceId: string;
  amountMicro: bigint;
  /** The reservation the action names (it settles against that hold), if any. */
  reservationId?: string;
}

export interface MalformedMessage {
  kind: MalformedKind;
  workspaceId: string;
}

const bigAllocationMicro = '1000000000000';
const smallAllocationMicro = '50000';
const slotValid = 0;
const slotDuplicate = 1;
const slotMalformed = 2;

const workflowKinds = [
  'record.create',
  'record.update',
  'record.delete',
  'record.find',
  'workflow.branch',
];
const aiModels = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku-4', 'mystery-model-9'];
const aiSources = ['ai-chat', 'ai-agent', 'workflow'] as const;

/**
 * The run's traffic, generated as it is published: the expected ledger (every unique valid
 * action priced independently with the price book) and the malformed set (each bad message
 * carries a marker, so the audit can find it in the DLQ) are filled in as messages are made.
 */
export class ChaosWorkload {
  readonly runTag = randomUUID().slice(0, 8);
  readonly workspaces: string[];
  readonly overdraftWorkspaces = new Set<string>();
  readonly expected = new Map<string, ExpectedDebit>();
  readonly malformed = new Map<string, MalformedMessage>();
  readonly markerPattern: RegExp;
  private readonly published: ChaosMessage[] = [];
  private readonly slots: Uint8Array;
  private cursor = 0;
  duplicatesPublished = 0;

  constructor(
    private readonly random: Random,
    options: {
      actions: number;
      workspaces: number;
      duplicateRatio: number;
      malformedRatio: number;
      overdraftWorkspaceRatio: number;
    },
  ) {
    this.workspaces = Array.from({ length: options.workspaces }, () => randomUUID());
    const overdraftCount = Math.max(
      1,
      Math.round(options.workspaces * options.overdraftWorkspaceRatio),
    );
    for (const workspaceId of this.workspaces.slice(0, overdraftCount))
      this.overdraftWorkspaces.add(workspaceId);
    this.markerPattern = new RegExp(`chaos-malformed-${this.runTag}-\\d+`);
    this.slots = planSlots(
      random,
      options.actions,
      Math.round(options.actions * options.duplicateRatio),
      Math.round(options.actions * options.malformedRatio),
    );
  }

  get messageCount(): number {
    return this.slots.length;
  }

  /** One period per workspace: big allocations, except the few meant to run into overdraft. */
  periodMessages(): ChaosMessage[] {
    return this.workspaces.map((workspaceId) => {
      const message = periodStart(
        workspaceId,
        this.overdraftWorkspaces.has(workspaceId) ? smallAllocationMicro : bigAllocationMicro,
      );
      return { key: workspaceId, value: JSON.stringify(message) };
    });
  }

  /** The next `count` messages of the plan (fewer at the end). */
  take(count: number): ChaosMessage[] {
    const chunk: ChaosMessage[] = [];
    while (chunk.length < count && this.cursor < this.slots.length) {
      const slot = this.slots[this.cursor];
      this.cursor += 1;
      if (slot === slotDuplicate && this.published.length > 0) {
        chunk.push(this.random.pick(this.published));
        this.duplicatesPublished += 1;
      } else if (slot === slotMalformed) {
        chunk.push(this.malformedMessage());
      } else {
        const message = this.validMessage();
        this.published.push(message);
        chunk.push(message);
      }
    }
    return chunk;
  }

  get done(): boolean {
    return this.cursor >= this.slots.length;
  }

  private validMessage(): ChaosMessage {
    const workspaceId = this.random.pick(this.workspaces);
    const action = this.randomAction();
    const eventId = randomUUID();
    const source = action.kind === 'ai.generate' ? this.random.pick(aiSources) : 'workflow';
    this.expected.set(eventId, {
      workspaceId,
      amountMicro: priceAction(action, defaultPriceBook).amountMicro,
    });
    const message = {
      eventId,
      type: 'ActionExecuted',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      workspaceId,
      source,
      action,
    };
    return { key: workspaceId, value: JSON.stringify(message) };
  }

  /**
   * An action published outside the plan (a reservation's settle): expected like the others,
   * and a candidate for the duplicates that follow.
   */
  addPublished(eventId: string, expected: ExpectedDebit, message: ChaosMessage): void {
    this.expected.set(eventId, expected);
    this.published.push(message);
  }

  /** A random action of the mix; `random` lets another generator (the reservation driver's) draw it. */
  randomAction(random: Random = this.random): ActionToPrice {
    const roll = random.next();
    if (roll < 0.7) return { kind: random.pick(workflowKinds) };
    if (roll < 0.9) {
      return {
        kind: 'ai.generate',
        ai: {
          model: random.pick(aiModels),
          inputTokens: random.integer(0, 20_000),
          outputTokens: random.integer(0, 4_000),
          cachedInputTokens: random.integer(0, 3) === 0 ? random.integer(1, 5_000) : 0,
        },
      };
    }
    const other = random.integer(0, 3);
    if (other === 0) return { kind: 'code.run', durationMs: random.integer(0, 30_000) };
    if (other === 1) return { kind: 'email.send', recipients: random.integer(1, 50) };
    if (other === 2) return { kind: 'http.request' };
    return { kind: 'web.search' };
  }

  private malformedMessage(): ChaosMessage {
    const kind = this.random.pick(malformedKinds);
    const workspaceId = this.random.pick(this.workspaces);
    const marker = `chaos-malformed-${this.runTag}-${this.malformed.size}`;
    this.malformed.set(marker, { kind, workspaceId });
    const envelope = {
      eventId: randomUUID(),
      type: 'ActionExecuted',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      workspaceId,
      source: 'workflow',
      action: { kind: 'record.create', stepId: marker } as Record<string, unknown>,
    };
    switch (kind) {
      case 'bad-json':
        // Cut short, with the marker up front where the cut cannot reach it.
        return {
          key: workspaceId,
          value: `{"note":"${marker}",${JSON.stringify(envelope).slice(1, -20)}`,
        };
      case 'missing-event-id': {
        const { eventId: _dropped, ...withoutId } = envelope;
        return { key: workspaceId, value: JSON.stringify(withoutId) };
      }
      case 'negative-tokens':
        envelope.action = {
          kind: 'ai.generate',
          stepId: marker,
          ai: { model: 'gpt-4o', inputTokens: -5, outputTokens: 10 },
        };
        envelope.source = 'ai-chat';
        return { key: workspaceId, value: JSON.stringify(envelope) };
      case 'unknown-type':
        return { key: workspaceId, value: JSON.stringify({ ...envelope, type: 'ActionExploded' }) };
      default: {
        const unexpected: never = kind;
        throw new Error(`assertion failed: unknown malformed kind ${String(unexpected)}`);
      }
    }
  }
}

/** The order of valid, duplicate and malformed messages, shuffled; the first is always valid. */
function planSlots(
  random: Random,
  valid: number,
  duplicates: number,
  malformed: number,
): Uint8Array {
  const slots = new Uint8Array(valid + duplicates + malformed);
  slots.fill(slotDuplicate, valid, valid + duplicates);
  slots.fill(slotMalformed, valid + duplicates);
  for (let index = slots.length - 1; index > 0; index -= 1) {
    const other = random.integer(0, index);
    const held = slots[index] as number;
    slots[index] = slots[other] as number;
    slots[other] = held;
  }
  const firstValid = slots.indexOf(slotValid);
  if (firstValid > 0) {
    slots[firstValid] = slots[0] as number;
    slots[0] = slotValid;
  }
  return slots;
}
