import { BadRequestException, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { PinsView } from '@tessera/pins';
import { PinViolationReportSchema, TOKEN_HEADER, type PinViolationReport } from '@tessera/contracts';
import { ApiSummary, describeIssues, RateLimits, refuse } from '@tessera/service-runtime';
import type { TokenVerifier } from '@tessera/verifier';
import type { Request, Response } from 'express';
import { PINS_TOKEN_VERIFIER } from '../config/tokens';
import { PinViolationMetrics, UNPROTECTED_PATTERN } from './pin-violation-metrics';
import { PinViolationReports, type ReporterIdentity } from './pin-violation-reports';
import { ReportedChainError, reportedChain } from './reported-chain';

/**
 * `POST /v1/pins/report`: the SDK's report of a host that served none of the expected pins. Public — the SDK holds
 * no secret, and a device refused by pinning may have no token to send — so it is rate-limited per client IP before
 * anything else and per app before the database, and every refusal says why (`reason`).
 */
@Controller('v1/pins')
export class PinViolationReportController {
  constructor(
    @Inject(PinViolationReports) private readonly reports: PinViolationReports,
    @Inject(PINS_TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(PinsView) private readonly view: PinsView,
    @Inject(PinViolationMetrics) private readonly metrics: PinViolationMetrics,
    @Inject(RateLimits) private readonly limits: RateLimits<'report'>,
  ) {}

  @Post('report')
  @HttpCode(202)
  @ApiSummary("an SDK's report of a host serving none of the expected pins (public, rate-limited)")
  async report(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<{ reportId: string }> {
    const clientIp = request.ip ?? null;
    const byIp = await this.limits.take('ip', 'report', clientIp ?? 'unknown');
    if (!byIp.allowed) {
      throw refuse(response, 429, 'rate-limited', 'too many reports from this address', byIp.retryAfterSeconds);
    }
    // The JSON body parser reads only JSON; anything else arrives here unread.
    if (!request.is('application/json') || typeof request.body !== 'object' || request.body === null) {
      throw refuse(response, 415, 'not-json', 'expected a JSON report (Content-Type: application/json)');
    }
    const parsed = PinViolationReportSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new BadRequestException({
        statusCode: 400,
        reason: 'invalid-report',
        message: 'invalid report',
        errors: describeIssues(parsed.error),
      });
    }
    const report = parsed.data;
    const byApp = await this.limits.take('app', 'report', `${report.tenant}/${report.appId}`);
    if (!byApp.allowed) {
      throw refuse(response, 429, 'rate-limited', 'too many reports for this app', byApp.retryAfterSeconds);
    }
    // Suspended tenants are answered as unknown: a public endpoint says nothing of a tenant's state.
    if (!(await this.reports.tenantIsActive(report.tenant))) {
      throw refuse(response, 404, 'unknown-tenant', `no tenant ${report.tenant}`);
    }
    const chain = await reportedChain(report.servedChain).catch((error: unknown) => {
      if (error instanceof ReportedChainError) throw refuse(response, 400, 'invalid-certificate', error.message);
      throw error;
    });
    const recorded = await this.reports.record(report, chain, await this.reporter(request, report), clientIp);
    this.metrics.reported(report.tenant, this.protectedPattern(report));
    return { reportId: recorded.reportId };
  }

  /**
   * A valid Tessera token of the reported tenant and app makes its installation and device verified; a missing,
   * invalid, revoked or other app's token is no reason to refuse a report (a MitM may well have broken attestation):
   * the report is kept, its identity only claimed.
   */
  private async reporter(request: Request, report: PinViolationReport): Promise<ReporterIdentity> {
    const token = request.header(TOKEN_HEADER);
    if (token !== undefined) {
      const decision = await this.verifier.verify(token, {});
      if (decision.accepted && decision.tenant === report.tenant && decision.claims.sub === report.appId) {
        return { identity: 'verified', installationId: decision.claims.ipk, deviceId: decision.claims.did };
      }
    }
    return { identity: 'claimed', installationId: report.installationId, deviceId: null };
  }

  /** The report's pattern when it is one the app's config protects: the metric's label stays bounded. */
  private protectedPattern(report: PinViolationReport): string {
    const { domains } = this.view.contentFor(report.tenant, report.appId);
    return domains.some((domain) => domain.pattern === report.pattern) ? report.pattern : UNPROTECTED_PATTERN;
  }
}
