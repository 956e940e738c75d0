package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wazuh's own logtest cases against the imported Wazuh ruleset (read in place from ../shared/corpora). */
class WazuhConformanceTest {

    private static Path corpus(String relative) {
        Path p = Path.of(System.getProperty("bulwark.corpora", "../../shared/corpora")).resolve(relative);
        assertTrue(Files.exists(p), p + " is missing: the test corpora live in ../shared/corpora beside the checkout");
        return p;
    }

    @Test
    @org.junit.jupiter.api.Timeout(600)
    void wazuhCases() throws Exception {
        long t0 = System.nanoTime();
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(List.of(corpus("wazuh/ruleset"), corpus("wazuh/ruleset/testing-ruleset")));
        long t1 = System.nanoTime();
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(rs.compile(), null);
        long t2 = System.nanoTime();
        System.out.printf("import %.1f s (%d rules, %d left out, %d decoders), compile+load %.1f s%n", (t1 - t0) / 1e9,
                rs.imported().rulesImported(), rs.imported().rulesLeftOut(), rs.decoders().size(), (t2 - t1) / 1e9);
        System.out.println("unsupported: " + rs.imported().unsupported());
        Conformance.Report report;
        try (OssecTester tester = new OssecTester(kb, rs.decoders(), "stdin")) {
            report = Conformance.run(tester, corpus("wazuh/logtest-cases.dev.jsonl"));
        }
        System.out.print(report.table());
        report.results().stream().filter(r -> !r.passed()).forEach(r ->
                System.out.println("FAIL " + r.file() + " [" + r.section() + "] " + r.name() + ": expected " + r.expected() + ", got " + r.got()));
        double linux = report.rate(LINUX_AND_WEB);
        System.out.printf("overall %.1f %%, Linux and web %.1f %%%n", 100 * report.rate(), 100 * linux);
        // The targets are 95 % overall and 98 % for Linux and web; these floors are what the
        // importer reaches today (a ratchet: raise them as support grows, never lower them).
        assertTrue(report.rate() >= OVERALL_FLOOR, String.format("overall conformance %.1f %% fell below %.1f %%", 100 * report.rate(), 100 * OVERALL_FLOOR));
        assertTrue(linux >= LINUX_FLOOR, String.format("Linux/web conformance %.1f %% fell below %.1f %%", 100 * linux, 100 * LINUX_FLOOR));
    }

    static final List<String> LINUX_AND_WEB = List.of("sshd", "sudo", "su.", "pam", "syslog", "auditd", "apache", "nginx", "web");
    static final double OVERALL_FLOOR = 0.87;
    static final double LINUX_FLOOR = 0.80;
}
