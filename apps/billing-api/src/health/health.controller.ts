import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { SqlClient } from '@tally/event-store';
import { readStuckPartitions, StuckPartition } from '@tally/ledger';
import { ProjectorHealth, readProjectorHealth } from '@tally/projections';
import type { Response } from 'express';
import { Public } from '../auth/route-access';
import { SQL_CLIENT } from '../billing-api.config';
import { HealthReport, healthReportOf, UNREACHABLE_REPORT } from './health-report';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { HttpMetrics } from './http-metrics';

@ApiTags('operations')
@SkipThrottle()
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly metrics: HttpMetrics,
  ) {}

  /**
   * Liveness and readiness (docs/api.md): 503 when the database does not answer, when the
   * projector has left committed events waiting too long, when a workspace's read model is
   * held back, or when a ledger waits at a Kafka batch it cannot decode or dead-letter; the body names the
   * failed checks, every held-back workspace and every stuck partition.
   */
  @Get('health')
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness and readiness' })
  @ApiOkResponse({ description: 'Every check passes', schema: schemaRef('HealthReport') })
  @ApiServiceUnavailableResponse({
    description: 'A check failed; `failed` names it',
    schema: schemaRef('HealthReport'),
  })
  @ApiErrors(ApiErrorCode.MalformedRequest, ApiErrorCode.HeadersTooLarge)
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    let health: ProjectorHealth;
    let stuck: StuckPartition[];
    try {
      [health, stuck] = await Promise.all([
        readProjectorHealth(this.sql),
        readStuckPartitions(this.sql),
      ]);
    } catch {
      response.status(503);
      return UNREACHABLE_REPORT;
    }
    const report = healthReportOf(health, stuck);
    if (report.failed.length > 0) response.status(503);
    return report;
  }

  @Get('metrics')
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics (tally_api_*)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example: 'tally_api_requests_total{method="GET",route="/health",status="200"} 1\n',
      },
    },
  })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiErrors(ApiErrorCode.MalformedRequest, ApiErrorCode.HeadersTooLarge)
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
