package dev.bulwark.engine;

import dev.bulwark.engine.antimalware.ScannedFile;
import dev.bulwark.engine.antimalware.SignatureMatch;
import dev.bulwark.engine.appcontrol.EnforcementMode;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.integrity.EntityChange;
import dev.bulwark.engine.integrity.FileChange;
import dev.bulwark.engine.integrity.FileState;
import dev.bulwark.engine.loginspection.AlertSuppression;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.recommendation.InstalledPackage;
import dev.bulwark.engine.recommendation.ListeningPort;
import dev.bulwark.engine.recommendation.RuleAssignment;
import dev.bulwark.engine.recommendation.ServiceUnit;
import dev.bulwark.engine.recommendation.UserAccount;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fact and result types a knowledge base may be compiled against, by simple name (as case
 * files and agent messages name them), and the fingerprint of their shape. A compiled knowledge
 * base is bound to the exact record components it was built with; the fingerprint in a bundle
 * manifest lets a loader refuse a bundle built against other fact classes.
 */
public final class FactTypes {

    private static final List<Class<?>> FACTS = List.of(
            LogEvent.class, AlertSuppression.class, FileState.class, FileChange.class, EntityChange.class, ScannedFile.class,
            SignatureMatch.class, ExecRequest.class, EnforcementMode.class, InstalledPackage.class,
            ServiceUnit.class, ListeningPort.class, UserAccount.class,
            dev.bulwark.engine.loginspection.ossec.OssecMatch.class, dev.bulwark.engine.loginspection.ossec.OssecEvent.class);

    private static final List<Class<?>> RESULTS = List.of(
            Finding.class, Verdict.class, RuleAssignment.class, Explanation.class);

    /** Enums that facts and results carry; rules name their constants. */
    private static final List<Class<? extends Enum<?>>> VALUES = List.of(
            dev.bulwark.engine.integrity.ChangeKind.class, Severity.class, Action.class, ProtectionModule.class);

    private static final Map<String, Class<?>> BY_NAME = new LinkedHashMap<>();

    static {
        for (Class<?> c : FACTS) {
            BY_NAME.put(c.getSimpleName(), c);
        }
    }

    private FactTypes() {
    }

    /** Input fact types, which case files and agents may insert. */
    public static List<Class<?>> facts() {
        return FACTS;
    }

    /** Result types, which only rules create. */
    public static List<Class<?>> results() {
        return RESULTS;
    }

    /** Value enums facts and results use. */
    public static List<Class<? extends Enum<?>>> values() {
        return VALUES;
    }

    public static Optional<Class<?>> bySimpleName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static List<String> simpleNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * SHA-256 over every fact and result record's name and components and every value enum's
     * constants, in a fixed order. Equal
     * fingerprints mean a KJAR compiled on one side binds to the classes on the other.
     */
    public static String fingerprint() {
        StringBuilder shape = new StringBuilder();
        for (List<Class<?>> group : List.of(FACTS, RESULTS)) {
            for (Class<?> c : group) {
                shape.append(c.getName()).append('(');
                for (RecordComponent rc : c.getRecordComponents()) {
                    shape.append(rc.getGenericType().getTypeName()).append(' ').append(rc.getName()).append(',');
                }
                shape.append(")\n");
            }
        }
        for (Class<? extends Enum<?>> e : VALUES) {
            shape.append(e.getName()).append('{');
            for (Enum<?> constant : e.getEnumConstants()) {
                shape.append(constant.name()).append(',');
            }
            shape.append("}\n");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }
}
