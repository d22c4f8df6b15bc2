package dev.tessera.examples.jwks;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line: verifies a token (the argument, or standard input) for one tenant and prints the decision as
 * JSON, the shape of a verifier node's answer. Exit code 0: accepted; 1: refused; 2: wrong usage. With
 * {@code --lines}, one token per line of standard input and one answer per line, from one verifier (one JWKS cache),
 * until the input ends; exit code 0.
 */
public final class TesseraTokenCheck {
    static final int ACCEPTED = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: java -jar tessera-jwks-check.jar --issuer <iss> [--jwks <url>] [--audience <aud>]...
                   [--bound-value <value>] [--lines] [<token>]
              --issuer       the tenant's issuer, <TOKEN_ISSUER>/tenants/<tenant>
              --jwks         the tenant's JWKS (default: <iss>/.well-known/jwks.json)
              --audience     an audience the API accepts (default: tessera:<tenant>); repeat for more
              --bound-value  the value of the header a bound token (pay) is bound to, e.g. Authorization
              --lines        one token per line of standard input, one JSON answer per line
              <token>        the token; without it, read from standard input
            exit code: 0 accepted, 1 refused, 2 wrong usage""";

    private TesseraTokenCheck() {}

    public static void main(String[] args) {
        // System.exit: the JWKS cache may run a refresh thread that would keep the JVM alive.
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String issuer = null;
        String jwks = null;
        String boundValue = null;
        String token = null;
        boolean lines = false;
        Set<String> audiences = new HashSet<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--issuer", "--jwks", "--audience", "--bound-value" -> {
                    if (rest.isEmpty()) return usage(err, arg + " needs a value");
                    String value = rest.remove(0);
                    switch (arg) {
                        case "--issuer" -> issuer = value;
                        case "--jwks" -> jwks = value;
                        case "--audience" -> audiences.add(value);
                        default -> boundValue = value;
                    }
                }
                case "--lines" -> lines = true;
                case "--help", "-h" -> {
                    out.println(USAGE_TEXT);
                    return ACCEPTED;
                }
                default -> {
                    if (arg.startsWith("--") || token != null) return usage(err, "unexpected " + arg);
                    token = arg;
                }
            }
        }
        if (issuer == null) return usage(err, "--issuer is required");
        if (lines && token != null) return usage(err, "--lines reads the tokens from standard input");

        TesseraTokenVerifier verifier;
        try {
            URL jwksUrl = URI.create(jwks != null ? jwks : issuer + "/.well-known/jwks.json").toURL();
            verifier = new TesseraTokenVerifier(issuer, audiences, TenantJwks.remote(jwksUrl), Clock.systemUTC());
        } catch (IllegalArgumentException | MalformedURLException e) {
            return usage(err, e.getMessage());
        }

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            if (lines) {
                for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                    print(out, verifier.verify(line.trim(), boundValue));
                }
                return ACCEPTED;
            }
            if (token == null) token = String.join("", stdin.lines().toList()).trim();
        } catch (IOException e) {
            return usage(err, "cannot read standard input: " + e.getMessage());
        }
        Verification verification = verifier.verify(token, boundValue);
        print(out, verification);
        return verification.accepted() ? ACCEPTED : REFUSED;
    }

    private static void print(PrintStream out, Verification verification) {
        out.println(JSONObjectUtils.toJSONString(verification.toJson()));
        out.flush();
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
