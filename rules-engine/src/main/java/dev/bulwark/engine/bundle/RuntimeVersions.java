package dev.bulwark.engine.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.drools.modelcompiler.KieBaseBuilder;

/** The Drools version on this classpath, read from the runtime jar's Maven metadata. */
public final class RuntimeVersions {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.drools/drools-model-compiler/pom.properties";
    private static volatile String drools;

    private RuntimeVersions() {
    }

    public static String drools() {
        String v = drools;
        if (v == null) {
            try (InputStream in = KieBaseBuilder.class.getResourceAsStream(POM_PROPERTIES)) {
                if (in == null) {
                    throw new IllegalStateException("cannot tell the Drools version: " + POM_PROPERTIES + " is missing from the classpath");
                }
                Properties p = new Properties();
                p.load(in);
                v = p.getProperty("version");
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the Drools version", e);
            }
            drools = v;
        }
        return v;
    }
}
