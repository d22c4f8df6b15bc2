package dev.tessera.examples.jwks;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.net.URL;
import java.time.Duration;

/** A tenant's JWKS, fetched from the token service and cached the way Tessera publishes its keys. */
public final class TenantJwks {
    /**
     * The token service serves the JWKS with max-age=300 (TOKEN_JWKS_MAX_AGE_SECONDS) and publishes every key an
     * hour before it signs (TOKEN_PUBLISH_LEAD_SECONDS): a set at most 5 minutes old holds every key that signs.
     */
    static final Duration CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(15);
    /** nimbus lets two fetches through per interval: the scheduled one and one for an unknown kid. */
    private static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    private static final int MAX_JWKS_BYTES = 50 * 1024;

    private TenantJwks() {}

    /**
     * Cached for {@link #CACHE_TIME_TO_LIVE}; a kid the cached set lacks fetches it again at once (a key published
     * since: a manual rotation, an emergency hand-over), rate-limited, so tokens with made-up kids cost the token
     * service almost nothing; a failed fetch is retried once.
     */
    public static JWKSource<SecurityContext> remote(URL jwksUrl) {
        int timeoutMs = (int) FETCH_TIMEOUT.toMillis();
        return JWKSourceBuilder.<SecurityContext>create(
                        jwksUrl, new DefaultResourceRetriever(timeoutMs, timeoutMs, MAX_JWKS_BYTES))
                .cache(CACHE_TIME_TO_LIVE.toMillis(), REFRESH_TIMEOUT.toMillis())
                .rateLimited(REFETCH_INTERVAL.toMillis())
                .retrying(true)
                .build();
    }
}
