import type { CreditsEnvelope } from '../messages/envelopes';
import { TallyHttp, TallyHttpOptions } from '../http/tally-http';
import {
  checkedForSending,
  chunksOf,
  CreditsPublisher,
  MESSAGES_PER_BATCH_MAX,
  PublishResult,
} from './credits-publisher';

interface EventsAnswer {
  accepted: number;
  rejected: { index: number; code: string; message: string }[];
}

/**
 * `POST /v1/events` with an `events:write` token (plus `credits:admin` for periods, packs and
 * grants), in requests of at most 1,000 envelopes, each retried on a network error, 5xx or 429
 * (the envelopes' eventIds make a retry a no-op). The API's per-item rejections come back with
 * their index in the caller's array. A request that still fails throws: the requests before it
 * were accepted, and publishing the same array again is safe.
 */
export class HttpCreditsPublisher implements CreditsPublisher {
  private readonly http: TallyHttp;

  constructor(http: TallyHttp | TallyHttpOptions) {
    this.http = http instanceof TallyHttp ? http : new TallyHttp(http);
  }

  async publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult> {
    const { valid, rejected } = checkedForSending(messages);
    let accepted = 0;
    for (const chunk of chunksOf(valid, MESSAGES_PER_BATCH_MAX)) {
      const answer = await this.http.request(
        'POST',
        '/v1/events',
        chunk.map((item) => item.envelope),
      );
      const body = answer.body as EventsAnswer;
      accepted += body.accepted;
      for (const refusal of body.rejected) {
        const item = chunk[refusal.index];
        rejected.push({
          index: item?.index ?? -1,
          eventId: item?.envelope.eventId ?? '',
          code: refusal.code,
          message: refusal.message,
        });
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }
}
