package dev.bulwark.authoring.ossec;

import static dev.bulwark.authoring.ossec.ConformanceCheck.corpus;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OSSEC's own logtest cases against the imported OSSEC ruleset (read in place from ../shared/corpora). */
class OssecHidsConformanceTest {

    // Same targets as for Wazuh, both met (97.3 % and 100 % on the dev split); the floors are a ratchet.
    static final double OVERALL_FLOOR = 0.97;
    static final double LINUX_FLOOR = 0.98;

    @Test
    @Timeout(600)
    void ossecCases() throws Exception {
        ConformanceCheck.check(List.of(corpus("ossec")), corpus("ossec/logtest-cases.dev.jsonl"), OVERALL_FLOOR, LINUX_FLOOR);
    }
}
