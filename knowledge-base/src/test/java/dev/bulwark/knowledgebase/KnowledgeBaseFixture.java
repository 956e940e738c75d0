package dev.bulwark.knowledgebase;

import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The default bundle as the build produced it, verified with the development key, and the rule sources. */
final class KnowledgeBaseFixture {

    static final Path BUNDLE = Path.of(System.getProperty("bulwark.bundle", "target/bulwark-default.bkb"));
    static final Path DEV_KEY = Path.of(System.getProperty("bulwark.devKey", "dev-keys/bulwark-dev.pub"));
    static final Path RULES = Path.of(System.getProperty("bulwark.rules", "src/main/resources/rules"));
    private static LoadedKnowledgeBase loaded;

    private KnowledgeBaseFixture() {
    }

    /** Loaded once: the bundle that ships, not a fresh compile, is what the cases test. */
    static synchronized LoadedKnowledgeBase knowledgeBase() throws Exception {
        if (loaded == null) {
            if (!Files.exists(BUNDLE)) {
                throw new IllegalStateException(BUNDLE + " does not exist; build the module (./mvnw verify) so the default bundle is produced first");
            }
            loaded = KnowledgeBaseLoader.load(new BundleReader(SigningKeys.readPublic(DEV_KEY)).verify(Files.readAllBytes(BUNDLE), 0));
        }
        return loaded;
    }

    static List<Path> files(String suffix) {
        try (Stream<Path> s = Files.walk(RULES)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
