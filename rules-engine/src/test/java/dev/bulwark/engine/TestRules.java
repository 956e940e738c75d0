package dev.bulwark.engine;

import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.policy.DrlSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small rule sets and facts for engine tests. */
public final class TestRules {

    public static final String SSH_RULES = """
            package rules.loginspection;

            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;

            rule "failed password"
                @id("LI-TEST-0001") @title("Failed SSH password") @module("loginspection") @severity("low")
            when
                $e: LogEvent( decoder == "sshd", action == "failed-password" )
            then
                insert(Finding.raise(kcontext, Severity.LOW, "failed password for " + $e.user(), "srcip", $e.srcIp()));
            end

            rule "brute force"
                @id("LI-TEST-0002") @title("SSH brute force") @module("loginspection") @severity("high")
            when
                $first: LogEvent( decoder == "sshd", action == "failed-password", $ip: srcIp )
                not LogEvent( decoder == "sshd", action == "failed-password", srcIp == $ip, this before $first )
                $n: Number( intValue >= 5 ) from accumulate(
                    LogEvent( decoder == "sshd", action == "failed-password", srcIp == $ip ) over window:time( 60s ),
                    count( 1 ) )
            then
                insert(Finding.raise(kcontext, Severity.HIGH, "brute force from " + $ip, "srcip", $ip, "attempts", $n));
            end
            """;

    private TestRules() {
    }

    public static byte[] compileKjar(String... drl) throws RuleBuildException {
        return new KnowledgeBaseCompiler().compile(sources(drl)).kjar();
    }

    public static LoadedKnowledgeBase load(String... drl) throws RuleBuildException, BundleRejectedException {
        return KnowledgeBaseLoader.load(compileKjar(drl), null);
    }

    public static List<DrlSource> sources(String... drl) {
        List<DrlSource> out = new ArrayList<>();
        for (int i = 0; i < drl.length; i++) {
            out.add(new DrlSource("test/rules" + i + ".drl", drl[i]));
        }
        return out;
    }

    public static LogEvent sshFailure(long ts, String ip, String user) {
        return new LogEvent(ts, "web1", "sshd", 1234, "sshd", "failed-password", "failure", ip, 40000, null, 22, user,
                null, null, Map.of(), "Failed password for " + user + " from " + ip + " port 40000 ssh2");
    }
}
