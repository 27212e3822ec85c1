import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { SqlClient } from '@tally/event-store';
import type { Response } from 'express';
import { Public } from '../auth/route-access';
import { SQL_CLIENT } from '../billing-api.config';
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

  /** Liveness and readiness: the process answers and the database does too. */
  @Get('health')
  async health(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; database: string }> {
    try {
      await this.sql.query('SELECT 1');
      return { status: 'ok', database: 'ok' };
    } catch {
      response.status(503);
      return { status: 'unavailable', database: 'unreachable' };
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
