package dev.bulwark.manager.knowledgebases;

import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.BundleWriter;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.bundle.VerifiedBundle;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manager's data folder for knowledge bases:
 * <pre>
 *   keys/bundle-signing.key, .pub   the manager's signing pair (created by {@link #createKey})
 *   bundles/bulwark-N.bkb           every published version, never rewritten
 *   bundles/latest                  the number of the newest
 * </pre>
 * A new version is {@code max(last + 1, now in epoch seconds)}: always greater than anything
 * published before, and greater than a bundle built by the knowledge-base module earlier.
 */
public final class KnowledgeBasePublisher {

    private static final Pattern BUNDLE_NAME = Pattern.compile("bulwark-(\\d+)\\.bkb");
    private final Path dataDir;
    private final Clock clock;

    public KnowledgeBasePublisher(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    public Path signingKey() {
        return dataDir.resolve("keys/bundle-signing.key");
    }

    public Path publicKey() {
        return dataDir.resolve("keys/bundle-signing.pub");
    }

    /** Creates the manager's signing pair unless it exists; returns whether it did. */
    public boolean createKey() throws IOException {
        if (Files.exists(signingKey())) {
            return false;
        }
        SigningKeys.generateInto(signingKey().getParent(), "bundle-signing");
        return true;
    }

    /** Published versions, oldest first. */
    public List<Long> versions() throws IOException {
        Path dir = dataDir.resolve("bundles");
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = BUNDLE_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            });
        }
        out.sort(null);
        return out;
    }

    public Optional<Path> latest() throws IOException {
        List<Long> v = versions();
        return v.isEmpty() ? Optional.empty() : Optional.of(bundlePath(v.get(v.size() - 1)));
    }

    public Path bundlePath(long version) {
        return dataDir.resolve("bundles/bulwark-" + version + ".bkb");
    }

    /** Compiles every rules directory together, signs, and stores the result as the next version. */
    public BundleBuilder.Output publish(List<Path> rulesDirs, List<Path> dataDirs) throws IOException, RuleBuildException {
        if (!Files.exists(signingKey())) {
            throw new IOException("no signing key in " + signingKey().getParent() + "; run 'bulwark-manager keygen' first");
        }
        KeyPair key = SigningKeys.readPair(signingKey());
        List<DrlSource> sources = new ArrayList<>();
        for (Path dir : rulesDirs) {
            sources.addAll(BundleBuilder.readSources(dir));
        }
        Map<String, byte[]> data = new TreeMap<>();
        for (Path dir : dataDirs) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    String name = dir.relativize(p).toString().replace('\\', '/');
                    if (data.put(name, Files.readAllBytes(p)) != null) {
                        throw new IOException("data file " + name + " is provided by more than one --data folder");
                    }
                }
            }
        }
        long version = nextVersion();
        BundleBuilder.Output out = new BundleBuilder().build(sources, data, version, key);
        store(version, out.bundle());
        return out;
    }

    private long nextVersion() throws IOException {
        List<Long> existing = versions();
        long last = existing.isEmpty() ? 0 : existing.get(existing.size() - 1);
        return Math.max(last + 1, clock.instant().getEpochSecond());
    }

    private void store(long version, byte[] bundle) throws IOException {
        Path target = bundlePath(version);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".publish", ".tmp");
        Files.write(tmp, bundle);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dataDir.resolve("bundles/latest"), Long.toString(version), StandardCharsets.US_ASCII);
    }

    /**
     * Publishes the content of an earlier version again as a new, higher version: the compiled rules
     * and data are taken from the verified old bundle and signed anew, so agents' anti-rollback
     * (a version must grow) still holds while the content goes back.
     */
    public long republish(long oldVersion) throws IOException, BundleRejectedException {
        Path old = bundlePath(oldVersion);
        if (!Files.exists(old)) {
            throw new IOException("no published version " + oldVersion);
        }
        return republish(Files.readAllBytes(old));
    }

    /** {@link #republish(long)} from the old bundle's bytes (wherever they were kept). */
    public long republish(byte[] oldBundle) throws IOException, BundleRejectedException {
        KeyPair key = SigningKeys.readPair(signingKey());
        VerifiedBundle v = new BundleReader(key.getPublic()).verify(oldBundle, 0);
        long version = nextVersion();
        store(version, BundleWriter.write(version, clock.instant(), v.manifest().droolsVersion(), v.kjar(), v.manifest().rules(), v.data(), key));
        return version;
    }
}
