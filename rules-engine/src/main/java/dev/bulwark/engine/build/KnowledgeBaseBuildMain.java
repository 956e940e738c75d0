package dev.bulwark.engine.build;

import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.policy.RuleProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Builds a bundle during a Maven build (the knowledge-base module's default bundle). Arguments:
 * {@code RULES_DIR DATA_DIR PRIVATE_KEY OUT_FILE}. The version is the build time in epoch seconds,
 * so each build supersedes the last. The command line for people is {@code bulwark-rules build}.
 */
public final class KnowledgeBaseBuildMain {
    private KnowledgeBaseBuildMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: KnowledgeBaseBuildMain RULES_DIR DATA_DIR PRIVATE_KEY OUT_FILE");
        }
        try {
            BundleBuilder.Output out = new BundleBuilder().build(Path.of(args[0]), Path.of(args[1]),
                    Instant.now().getEpochSecond(), SigningKeys.readPair(Path.of(args[2])));
            Path target = Path.of(args[3]);
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.write(target, out.bundle());
            for (RuleProblem w : out.compiled().warnings()) {
                System.out.println("warning: " + w);
            }
            System.out.printf("built %s: %d rules, %d bytes%n", target, out.compiled().rules().size(), out.bundle().length);
        } catch (RuleBuildException e) {
            // Maven shows the message; every problem with its file and line.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
