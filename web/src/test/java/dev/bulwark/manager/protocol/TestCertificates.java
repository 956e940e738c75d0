package dev.bulwark.manager.protocol;

import java.nio.file.Path;

/** A self-signed EC certificate for 127.0.0.1 and localhost, made by the JDK's keytool: a PKCS#12 store and its PEM. */
record TestCertificates(Path keyStore, Path caPem, String password) {

    static TestCertificates make(Path dir, String name) throws Exception {
        Path ks = dir.resolve(name + ".p12");
        Path ca = dir.resolve(name + "-ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ExportsAndForwardingTest.run(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        ExportsAndForwardingTest.run(keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", ca.toString());
        return new TestCertificates(ks, ca, "changeit");
    }
}
