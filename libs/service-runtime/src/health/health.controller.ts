import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_PROBES, type ReadinessProbe } from './readiness-probe';

/**
 * `/health/live`: the process serves requests (restart it if not). `/health/ready` (and `/health`): every
 * dependency answers now, so a load balancer may send traffic; 503 with the failing probe otherwise.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  live() {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  ready() {
    return this.health.check(
      this.probes.map((probe) => async () => {
        const session = this.indicators.check(probe.name);
        const result = await probe.check().catch((error: unknown) => ({
          up: false,
          details: { error: error instanceof Error ? error.message : String(error) },
        }));
        return result.up ? session.up(result.details) : session.down(result.details);
      }),
    );
  }

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  summary() {
    return this.ready();
  }
}
