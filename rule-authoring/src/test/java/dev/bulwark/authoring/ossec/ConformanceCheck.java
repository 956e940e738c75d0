package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(rs.compile(), null);
        long t2 = System.nanoTime();
        System.out.printf("import %.1f s (%d rules, %d left out, %d decoders), compile+load %.1f s%n", (t1 - t0) / 1e9,
                rs.imported().rulesImported(), rs.imported().rulesLeftOut(), rs.decoders().size(), (t2 - t1) / 1e9);
        System.out.println("unsupported: " + rs.imported().unsupported());
        // what the import left out, by kind (numbers and names blanked), most frequent first
        rs.problems().stream().map(p -> p.replaceFirst("^[^ ]+ ", "").replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'X'"))
                .collect(java.util.stream.Collectors.groupingBy(p -> p, java.util.stream.Collectors.counting()))
                .entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.out.println("  " + e.getValue() + " x " + e.getKey()));
        Conformance.Report report;
        try (OssecTester tester = new OssecTester(kb, rs.decoders(), "stdin")) {
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
