import { InboundMessage, parseInboundMessage } from '@tally/contracts';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';

/**
 * A route's request as the wire message the billing system or an operator tool would publish,
 * validated by the same parser as every message on the bus (libs/contracts), so the route and
 * the bus accept exactly the same messages and map them the same way (`keyedCommandOf`).
 */
export function inboundMessageOf(wire: Record<string, unknown>): InboundMessage {
  const parsed = parseInboundMessage(JSON.stringify(wire));
  if (!parsed.ok)
    throw new ApiException(ApiErrorCode.ValidationFailed, parsed.message, parsed.details);
  return parsed.value;
}
