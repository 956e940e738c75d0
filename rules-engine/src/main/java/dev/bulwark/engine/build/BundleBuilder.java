package dev.bulwark.engine.build;

import dev.bulwark.engine.bundle.BundleWriter;
import dev.bulwark.engine.bundle.RuntimeVersions;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * From a rules directory (and an optional data directory) to a signed bundle: reads every
 * {@code *.drl} below it in path order, compiles, and signs.
 */
public final class BundleBuilder {

    /** The signed bundle and what went into it. */
    public record Output(byte[] bundle, CompiledKnowledgeBase compiled) {
    }

    private final KnowledgeBaseCompiler compiler;

    public BundleBuilder(KnowledgeBaseCompiler compiler) {
        this.compiler = compiler;
    }

    public BundleBuilder() {
        this(new KnowledgeBaseCompiler());
    }

    public Output build(Path rulesDir, Path dataDir, long bundleVersion, KeyPair signer) throws IOException, RuleBuildException {
        return build(readSources(rulesDir), readData(dataDir), bundleVersion, signer);
    }

    public Output build(List<DrlSource> sources, Map<String, byte[]> data, long bundleVersion, KeyPair signer) throws RuleBuildException {
        CompiledKnowledgeBase compiled = compiler.compile(sources);
        byte[] bundle = BundleWriter.write(bundleVersion, Instant.now(), RuntimeVersions.drools(), compiled.kjar(),
                compiled.rules(), data, signer);
        return new Output(bundle, compiled);
    }

    /** Every {@code *.drl} below {@code root}, with paths relative to it, in path order. */
    public static List<DrlSource> readSources(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a directory of .drl files");
        }
        List<DrlSource> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".drl") && Files.isRegularFile(f)).sorted().toList()) {
                out.add(new DrlSource(root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8)));
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no .drl files below " + root);
        }
        return out;
    }

    /** Every regular file below {@code dataDir} by its relative path; empty when there is no such directory. */
    public static Map<String, byte[]> readData(Path dataDir) throws IOException {
        Map<String, byte[]> data = new TreeMap<>();
        if (dataDir == null || !Files.isDirectory(dataDir)) {
            return data;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                data.put(dataDir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return data;
    }
}
