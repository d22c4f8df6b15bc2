import type { EventData, PinViolationReportedV1, ReportedChainCertificate } from '@tessera/contracts';

export interface PinViolationRow {
  id: string;
  app_id: string;
  identity: 'verified' | 'claimed';
  installation_id: string;
  device_id: string | null;
  sdk_version: string;
  hostname: string;
  port: number;
  pattern: string;
  expected_pins: string[];
  served_chain: ReportedChainCertificate[];
  config_version: string;
  occurred_at: Date;
  received_at: Date;
  client_ip: string | null;
}

/** A stored report as the admin API answers it and as its event carries it. */
export function pinViolationView(row: PinViolationRow): EventData<typeof PinViolationReportedV1> {
  return {
    reportId: row.id,
    appId: row.app_id,
    identity: row.identity,
    installationId: row.installation_id,
    deviceId: row.device_id,
    sdkVersion: row.sdk_version,
    hostname: row.hostname,
    port: row.port,
    pattern: row.pattern,
    expectedPins: row.expected_pins,
    servedChain: row.served_chain,
    configVersion: Number(row.config_version),
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    clientIp: row.client_ip,
  };
}
