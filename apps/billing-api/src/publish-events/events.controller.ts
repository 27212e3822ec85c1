import { applyDecorators, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseInboundMessage, TOPIC_OF_MESSAGE_TYPE } from '@tally/contracts';
import type { MessageBus, OutboundMessage } from '@tally/messaging';
import { CurrentPrincipal } from '../auth/auth.guard';
import { ANY_WORKSPACE, Principal, RequireScope, Scopes } from '../auth/scopes';
import {
  BILLING_API_CONFIG,
  BillingApiConfig,
  EVENTS_PER_REQUEST_MAX,
  MESSAGE_BUS,
} from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException, fieldsRefused } from '../errors/api.exception';
import { ApiErrors, AUTH_ERRORS, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { ACTION_EXECUTED_EXAMPLE } from '../openapi/request-schemas';

export interface PublishEventsResult {
  accepted: number;
  rejected: { index: number; code: string; message: string }[];
}

/** What /docs shows of the route: a summary and the body, one envelope or an array. */
const PublishEventsDocs = (): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      operationId: 'publishEvents',
      summary: 'Publish bus messages: one envelope or an array',
      description:
        'Valid envelopes go to their topic; invalid ones, or ones for another workspace, are listed in `rejected`. Periods, packs and grants also need `credits:admin`.',
    }),
    ApiBody({
      description: 'One message envelope (docs/events.md), or an array of 1 to 1000',
      // anyOf: the two are disjoint, but example validators that follow the discriminator
      // would count an array as an envelope too.
      schema: {
        anyOf: [
          schemaRef('Envelope'),
          {
            type: 'array',
            items: schemaRef('Envelope'),
            minItems: 1,
            maxItems: EVENTS_PER_REQUEST_MAX,
          },
        ],
      },
      examples: {
        one: { summary: 'One envelope', value: ACTION_EXECUTED_EXAMPLE },
        array: { summary: 'An array', value: [ACTION_EXECUTED_EXAMPLE] },
      },
    }),
  );

/**
 * Serialises each envelope and validates those bytes with the contracts' parser — the very
 * check the ledger's consumer runs, size limit included — so nothing is accepted here that the
 * ledger would dead-letter for its form. Valid ones go to their topic, keyed by workspaceId,
 * as the bytes that were checked. 202 means "on the bus", not "applied".
 */
@ApiTags('events')
@Controller('v1/events')
@RequireScope(Scopes.eventsWrite)
export class EventsController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(BILLING_API_CONFIG) private readonly config: BillingApiConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @PublishEventsDocs()
  @ApiAcceptedResponse({
    description: 'On the bus (embedded: appended)',
    schema: schemaRef('PublishEventsResult'),
  })
  @ApiErrors(...AUTH_ERRORS, ...BODY_ERRORS, ApiErrorCode.TooManyEvents)
  async publish(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PublishEventsResult> {
    if (body === undefined || body === null || typeof body !== 'object') {
      throw fieldsRefused(['body'], 'the body must be one JSON envelope or an array of them');
    }
    const envelopes = Array.isArray(body) ? body : [body];
    if (envelopes.length === 0 || envelopes.length > EVENTS_PER_REQUEST_MAX) {
      throw new ApiException(
        ApiErrorCode.TooManyEvents,
        `send between 1 and ${EVENTS_PER_REQUEST_MAX} envelopes per request`,
        {
          count: envelopes.length,
          limit: EVENTS_PER_REQUEST_MAX,
        },
      );
    }
    const byTopic = new Map<string, OutboundMessage[]>();
    const rejected: PublishEventsResult['rejected'] = [];
    envelopes.forEach((envelope, index) => {
      const bytes = JSON.stringify(envelope);
      const parsed = parseInboundMessage(bytes);
      if (!parsed.ok) {
        rejected.push({ index, code: parsed.code, message: parsed.message });
        return;
      }
      const { workspaceId, type } = parsed.value;
      if (principal.workspaceId !== ANY_WORKSPACE && principal.workspaceId !== workspaceId) {
        rejected.push({
          index,
          code: ApiErrorCode.WorkspaceForbidden,
          message: 'this token is for another workspace',
        });
        return;
      }
      // The billing system's messages (periods, packs, grants) move credits in: over HTTP they
      // need the operator scope too, or a workspace's own events:write token could mint credits.
      if (type !== 'ActionExecuted' && !principal.scopes.has(Scopes.creditsAdmin)) {
        rejected.push({
          index,
          code: ApiErrorCode.InsufficientScope,
          message: `${type} over HTTP needs the ${Scopes.creditsAdmin} scope besides ${Scopes.eventsWrite}`,
        });
        return;
      }
      const topic = this.config.topics[TOPIC_OF_MESSAGE_TYPE[type]];
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: workspaceId, value: bytes });
      byTopic.set(topic, messages);
    });
    for (const [topic, messages] of byTopic) await this.bus.publish(topic, messages);
    return { accepted: envelopes.length - rejected.length, rejected };
  }
}
