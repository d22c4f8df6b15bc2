package dev.tessera.examples.jwks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decision on one token: accepted with the tenant and the claims, or refused with a reason (the codes of
 * Tessera's verifier, docs/tokens.md) and a detail for people.
 */
public record Verification(boolean accepted, String tenant, Map<String, Object> claims, String reason, String detail) {

    static Verification accept(String tenant, Map<String, Object> claims) {
        return new Verification(true, tenant, claims, null, null);
    }

    static Verification refuse(String reason, String detail) {
        return new Verification(false, null, Map.of(), reason, detail);
    }

    /** The shape of a verifier node's POST /v1/verify answer, so both read alike. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("decision", accepted ? "accept" : "refuse");
        if (accepted) {
            json.put("tenant", tenant);
            json.put("claims", claims);
        } else {
            json.put("reason", reason);
            json.put("detail", detail);
        }
        return json;
    }
}
