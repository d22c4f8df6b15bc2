package dev.tessera.examples.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies a Tessera token with nothing but its tenant's JWKS, by the rules of Tessera's own verifier (RFC 8725,
 * docs/tokens.md): the algorithm is the one of the key the {@code kid} names, never the token's choice, and only
 * ES256 or EdDSA ({@code none} and HS* are refused before any key is looked at); {@code typ} must be
 * {@code tessera+jwt}; {@code iss} exactly the tenant's issuer; {@code aud} one accepted; {@code exp} and
 * {@code iat} within a 30 s clock skew; every claim a Tessera token carries present; a bound token ({@code pay})
 * accepted only with the value it is bound to. One instance per tenant, kept for the life of the process: its JWKS
 * cache is what makes a verification cost no fetch.
 */
public final class TesseraTokenVerifier {
    public static final String TOKEN_TYPE = "tessera+jwt";
    static final Set<String> ALGORITHMS = Set.of("ES256", "EdDSA");
    static final List<String> REQUIRED_CLAIMS = List.of("iss", "aud", "sub", "iat", "exp", "jti", "did", "ipk", "reg");
    static final int MAX_TOKEN_LENGTH = 8192;
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Pattern TENANT_ISSUER = Pattern.compile("/tenants/([^/]+)$");

    private final String issuer;
    private final String tenant;
    private final Set<String> audiences;
    private final JWKSource<SecurityContext> keys;
    private final Clock clock;

    /**
     * @param issuer the tenant's issuer, {@code <TOKEN_ISSUER>/tenants/<tenant>}
     * @param audiences the audiences this API accepts; empty: the tenant's default, {@code tessera:<tenant>}
     * @param keys the tenant's JWKS (see {@link TenantJwks#remote})
     */
    public TesseraTokenVerifier(String issuer, Set<String> audiences, JWKSource<SecurityContext> keys, Clock clock) {
        Matcher tenantPart = TENANT_ISSUER.matcher(issuer);
        if (!tenantPart.find()) {
            throw new IllegalArgumentException("a Tessera issuer ends in /tenants/<tenant>: " + issuer);
        }
        this.issuer = issuer;
        this.tenant = tenantPart.group(1);
        this.audiences = audiences.isEmpty() ? Set.of("tessera:" + tenant) : Set.copyOf(audiences);
        this.keys = keys;
        this.clock = clock;
    }

    /** @param boundValue the request's value of the header a bound token is bound to (Authorization), or null */
    public Verification verify(String token, String boundValue) {
        if (token == null || token.isEmpty()) return refuse("missing", "no token was given");
        if (token.length() > MAX_TOKEN_LENGTH) {
            return refuse("malformed", "a token is at most " + MAX_TOKEN_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) return refuse("malformed", "not a compact JWS");
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
        } catch (ParseException e) {
            return refuse("malformed", "the header is not a JSON object");
        }

        // The header is checked before nimbus parses the token, so that none and HS* are named as such.
        Object alg = header.get("alg");
        if (!(alg instanceof String) || !ALGORITHMS.contains(alg)) {
            return refuse("algorithm-not-allowed", "alg " + alg + " is not one Tessera signs with");
        }
        if (!TOKEN_TYPE.equals(header.get("typ"))) return refuse("malformed", "typ must be " + TOKEN_TYPE);
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) return refuse("malformed", "kid is required");
        if (header.containsKey("crit")) return refuse("malformed", "Tessera tokens have no critical header parameters");
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return refuse("malformed", e.getMessage());
        }

        JWK key;
        try {
            List<JWK> found = keys.get(new JWKSelector(new JWKMatcher.Builder().keyID(kid).build()), null);
            if (found.isEmpty()) return refuse("unknown-key", "no key " + kid + " in the tenant's JWKS");
            key = found.get(0);
        } catch (KeySourceException e) {
            return refuse("jwks-unavailable", "the JWKS could not be fetched: " + e.getMessage());
        }
        String keyAlg = algorithmOf(key);
        if (!alg.equals(keyAlg)) {
            return refuse("algorithm-not-allowed", "key " + kid + " signs " + keyAlg + " only, the token says " + alg);
        }
        try {
            JWSVerifier verifier = keyAlg.equals("ES256")
                    ? new ECDSAVerifier(key.toECKey())
                    : new JdkEd25519Verifier(key.toOctetKeyPair());
            if (!jwt.verify(verifier)) return refuse("bad-signature", "the signature does not verify with key " + kid);
        } catch (JOSEException | ClassCastException e) {
            return refuse("bad-signature", "key " + kid + " cannot verify this token: " + e.getMessage());
        }

        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        if (claims == null) return refuse("malformed", "the claims are not a JSON object");
        for (String name : REQUIRED_CLAIMS) {
            if (claims.get(name) == null) return refuse("malformed", "the claim " + name + " is missing");
        }
        if (!issuer.equals(claims.get("iss"))) return refuse("wrong-issuer", "the issuer (iss) is not " + issuer);
        long now = clock.millis();
        long skew = CLOCK_SKEW.toMillis();
        // As Tessera's verifier: an exp or iat that is not a number counts as expired or from the future.
        if (!(claims.get("exp") instanceof Number exp) || now >= exp.doubleValue() * 1000 + skew) {
            return refuse("expired", "the token has expired (exp)");
        }
        if (!(claims.get("iat") instanceof Number iat) || iat.doubleValue() * 1000 > now + skew) {
            return refuse("not-yet-valid", "issued in the future (iat), beyond the clock skew");
        }
        if (!(claims.get("aud") instanceof String aud) || !audiences.contains(aud)) {
            return refuse("wrong-audience", "the audience (aud) is not one accepted here");
        }
        Object pay = claims.get("pay");
        if (pay != null && (boundValue == null || !pay.equals(sha256(boundValue)))) {
            return refuse("binding-mismatch", "the bound header does not match the token (pay)");
        }
        return Verification.accept(tenant, claims);
    }

    /** The JWKS names each key's algorithm; a key without one gets the only one its type allows here. */
    private static String algorithmOf(JWK key) {
        if (key.getAlgorithm() != null) return key.getAlgorithm().getName();
        if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) return "ES256";
        if (KeyType.OKP.equals(key.getKeyType()) && Curve.Ed25519.equals(((OctetKeyPair) key).getCurve())) {
            return "EdDSA";
        }
        return "none";
    }

    private static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64URL.encode(digest).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Verification refuse(String reason, String detail) {
        return Verification.refuse(reason, detail);
    }
}
