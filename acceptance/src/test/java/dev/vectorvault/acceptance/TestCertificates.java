package dev.vectorvault.acceptance;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made fresh for each test run: a CA, a server certificate for localhost/127.0.0.1 and a client
 * certificate, all signed by that CA, plus a second, unrelated CA. Files are PEM (keys as PKCS#8).
 */
final class TestCertificates {
    final Path caPem;
    final Path serverPem;
    final Path serverKey;
    final Path clientPem;
    final Path clientKey;
    final Path otherCaPem;
    final Path strangerPem;
    final Path strangerKey;

    TestCertificates(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = rsa();
        X509Certificate ca = sign("CN=VectorVault Test CA", caKeys, "CN=VectorVault Test CA", caKeys, true, false);
        KeyPair serverKeys = rsa();
        X509Certificate server = sign("CN=localhost", serverKeys, "CN=VectorVault Test CA", caKeys, false, true);
        KeyPair clientKeys = rsa();
        X509Certificate client = sign("CN=test-client", clientKeys, "CN=VectorVault Test CA", caKeys, false, false);
        KeyPair otherKeys = rsa();
        X509Certificate otherCa = sign("CN=Other CA", otherKeys, "CN=Other CA", otherKeys, true, false);
        KeyPair strangerKeys = rsa();
        X509Certificate stranger = sign("CN=stranger", strangerKeys, "CN=Other CA", otherKeys, false, false);

        caPem = write(dir.resolve("ca.pem"), ca);
        serverPem = write(dir.resolve("server.pem"), server);
        serverKey = write(dir.resolve("server.key"), serverKeys.getPrivate());
        clientPem = write(dir.resolve("client.pem"), client);
        clientKey = write(dir.resolve("client.key"), clientKeys.getPrivate());
        otherCaPem = write(dir.resolve("other-ca.pem"), otherCa);
        strangerPem = write(dir.resolve("stranger.pem"), stranger);
        strangerKey = write(dir.resolve("stranger.key"), strangerKeys.getPrivate());
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        boolean isCa, boolean isServer) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (isServer) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static Path write(Path file, Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pemObject instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : pemObject);
        }
        Files.writeString(file, text.toString());
        return file;
    }
}
