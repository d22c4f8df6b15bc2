package dev.tessera.examples.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * EdDSA (Ed25519) verification with the JDK's own Ed25519 (Java 15 and later). nimbus's Ed25519Verifier needs
 * Google Tink and its dependencies; the JDK already has what it takes.
 */
final class JdkEd25519Verifier implements JWSVerifier {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), which the 32 bytes of the JWK's x complete. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey publicKey;
    private final JCAContext jcaContext = new JCAContext();

    JdkEd25519Verifier(OctetKeyPair jwk) throws JOSEException {
        byte[] x = jwk.getDecodedX();
        if (!Curve.Ed25519.equals(jwk.getCurve()) || x.length != 32) {
            throw new JOSEException("not an Ed25519 public key");
        }
        byte[] spki = new byte[SPKI_PREFIX.length + x.length];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, x.length);
        try {
            publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("the JDK cannot read this Ed25519 key: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        // Pinned: this key verifies EdDSA and nothing else, whatever the header says.
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) return false;
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(publicKey);
            ed25519.update(signingInput);
            return ed25519.verify(signature.decode());
        } catch (SignatureException e) {
            return false; // not a well-formed Ed25519 signature
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 is not available in this JDK: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
