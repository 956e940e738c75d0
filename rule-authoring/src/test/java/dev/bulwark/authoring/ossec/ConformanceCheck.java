package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleWriter;
import dev.bulwark.engine.bundle.RuntimeVersions;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.ossec.OssecDecoderFile;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Runs a ruleset's own logtest cases against its import, prints the report and checks the ratchet floors. */
final class ConformanceCheck {

    private ConformanceCheck() {
    }

    static Path corpus(String relative) {
        Path p = Path.of(System.getProperty("bulwark.corpora", "../../shared/corpora")).resolve(relative);
        assertTrue(Files.exists(p), p + " is missing: the test corpora live in ../shared/corpora beside the checkout");
        return p;
    }

    /** Linux and web case files: the stricter target applies to them. */
    static final List<String> LINUX_AND_WEB = List.of("sshd", "sudo", "su.", "pam", "syslog", "auditd", "apache", "nginx", "web");

    static void check(List<Path> trees, Path cases, double overallFloor, double linuxFloor) throws Exception {
        long t0 = System.nanoTime();
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(trees);
        long t1 = System.nanoTime();
        // run what an agent runs: the rules and decoders signed into a bundle, verified and loaded back
        KeyPair keys = SigningKeys.generate();
        byte[] bundle = BundleWriter.write(1, Instant.now(), RuntimeVersions.drools(), rs.compile(), List.of(),
                Map.of(OssecDecoderFile.ENTRY, OssecDecoderFile.write(rs.decoders())), keys);
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(new BundleReader(keys.getPublic()).verify(bundle, 0));
        OssecDecoders decoders = kb.ossecDecoders().orElseThrow();
        assertEquals(rs.decoders().size(), decoders.size(), "decoders lost on the way through the bundle");
        long t2 = System.nanoTime();
        System.out.printf("import %.1f s (%d rules, %d left out, %d decoders), compile+sign+verify+load %.1f s (bundle %,d bytes)%n", (t1 - t0) / 1e9,
                rs.imported().rulesImported(), rs.imported().rulesLeftOut(), rs.decoders().size(), (t2 - t1) / 1e9, bundle.length);
        System.out.println("unsupported: " + rs.imported().unsupported());
        // what the import left out, by kind (numbers and names blanked), most frequent first
        rs.problems().stream().map(p -> p.replaceFirst("^[^ ]+ ", "").replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'X'"))
                .collect(java.util.stream.Collectors.groupingBy(p -> p, java.util.stream.Collectors.counting()))
                .entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.out.println("  " + e.getValue() + " x " + e.getKey()));
        Conformance.Report report;
        try (OssecTester tester = new OssecTester(kb, decoders, "stdin")) {
            report = Conformance.run(tester, cases);
        }
        System.out.print(report.table());
        report.results().stream().filter(r -> !r.passed()).forEach(r ->
                System.out.println("FAIL " + r.file() + " [" + r.section() + "] " + r.name() + ": expected " + r.expected() + ", got " + r.got()));
        double linux = report.rate(LINUX_AND_WEB);
        System.out.printf("overall %.1f %%, Linux and web %.1f %%%n", 100 * report.rate(), 100 * linux);
        assertTrue(report.rate() >= overallFloor, String.format("overall conformance %.1f %% fell below %.1f %%", 100 * report.rate(), 100 * overallFloor));
        assertTrue(linux >= linuxFloor, String.format("Linux/web conformance %.1f %% fell below %.1f %%", 100 * linux, 100 * linuxFloor));
    }
}
