/** A verifier node's decisions so far, from its /metrics: how many the verified-token cache answered, and their time. */
export interface DecisionTally {
  fresh: number;
  cached: number;
  freshSeconds: number;
  cachedSeconds: number;
  refused: number;
}

export async function decisionTally(nodeUrl: string): Promise<DecisionTally> {
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  const total = (name: string, labelPart: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(labelPart))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  return {
    fresh: total('tessera_verifier_decision_seconds_count', 'cached="false"'),
    cached: total('tessera_verifier_decision_seconds_count', 'cached="true"'),
    freshSeconds: total('tessera_verifier_decision_seconds_sum', 'cached="false"'),
    cachedSeconds: total('tessera_verifier_decision_seconds_sum', 'cached="true"'),
    refused: total('tessera_verifier_decisions_total', 'outcome="refused"'),
  };
}

/** What happened between two tallies. */
export function tallyDifference(before: DecisionTally, after: DecisionTally): DecisionTally {
  return {
    fresh: after.fresh - before.fresh,
    cached: after.cached - before.cached,
    freshSeconds: after.freshSeconds - before.freshSeconds,
    cachedSeconds: after.cachedSeconds - before.cachedSeconds,
    refused: after.refused - before.refused,
  };
}
