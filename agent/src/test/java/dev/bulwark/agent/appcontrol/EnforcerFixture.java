package dev.bulwark.agent.appcontrol;

import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.policy.DrlSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** What the enforcement tests share: root for fanotify, a knowledge base of their own rules, running a program through the shell. */
public final class EnforcerFixture {
    private EnforcerFixture() {
    }

    /** The package, the imports every application-control rule needs, and the rule that allows inventoried software. */
    public static final String HEADER = """
            package rules.appcontrol;
            import dev.bulwark.engine.appcontrol.ExecRequest;
            import dev.bulwark.engine.appcontrol.EnforcementMode;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Verdict;
            import dev.bulwark.engine.Severity;
            import dev.bulwark.engine.Action;
            import java.math.BigInteger;
            rule "allow inventoried" @id("AC-EXEC-0001") @title("allow") @module("appcontrol") @severity("info")
            when $x: ExecRequest( inventoryStatus == "known" )
            then insert(Verdict.decide(kcontext, Action.ALLOW, "known")); end
            """;

    public static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
                "fanotify needs root (CI runs as root)");
    }

    /** {@link #HEADER} and these rules, compiled and loaded. */
    public static LoadedKnowledgeBase rules(String name, String rules) throws Exception {
        return KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(List.of(new DrlSource(name, HEADER + rules))).kjar(), null);
    }

    /** What a program (or the shell about it) said, ending in {@code rc=N}, and how long it took. */
    public record Run(String output, long millis) {
    }

    public static Run run(Path program) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("/bin/sh", "-c", program + "; echo rc=$?").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return new Run(out, (System.nanoTime() - t0) / 1_000_000);
    }
}
