/** Something the service needs before it can take traffic: Postgres, Kafka, a caught-up view. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');
