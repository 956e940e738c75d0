package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real rulesets, read in place from ../shared/corpora (GPL material, never copied into Bulwark). */
class OssecRulesetTest {

    private static Path corpus(String relative) {
        Path p = Path.of(System.getProperty("bulwark.corpora", "../../shared/corpora")).resolve(relative);
        assertTrue(Files.exists(p), p + " is missing: the test corpora live in ../shared/corpora beside the checkout");
        return p;
    }

    /** An independent count: {@code <rule} and {@code <decoder} tags outside comments, in the directory's own files. */
    private static int tags(Path dir, String tag) throws Exception {
        int n = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".xml")).toList()) {
                String text = Files.readString(f).replaceAll("(?s)<!--.*?-->", "");
                n += java.util.regex.Pattern.compile("<" + tag + "[\\s>]").matcher(text).results().count();
            }
        }
        return n;
    }

    @Test
    void wazuhRulesetLoadsWholeWithEveryElementLocated() throws Exception {
        OssecRuleset r = new OssecRuleset().addDecoders(corpus("wazuh/ruleset/decoders")).addRules(corpus("wazuh/ruleset/rules"));
        System.out.printf("wazuh: %d decoders, %d rules, %d problems; unknown elements: %s%n", r.decoders().size(), r.rules().size(),
                r.problems().size(), r.unknownElements());
        r.problems().stream().filter(p -> p.message().startsWith("not loaded")).forEach(p -> System.out.println("  " + p));
        assertEquals(tags(corpus("wazuh/ruleset/rules"), "rule"), r.rules().size(), "every <rule> outside comments is loaded");
        assertEquals(tags(corpus("wazuh/ruleset/decoders"), "decoder"), r.decoders().size(), "every <decoder> outside comments is loaded");
        assertTrue(r.rules().size() > 4_400, "the README counts 4,515 rules, commented ones included");
        assertTrue(r.problems().stream().noneMatch(p -> p.message().startsWith("not loaded")), "every file parses");
        RuleDefinition sshBreakin = r.rules().stream().filter(x -> "5703".equals(x.id())).findFirst().orElseThrow();
        assertEquals(10, sshBreakin.level());
        assertEquals("6", sshBreakin.attributes().get("frequency"));
        assertEquals(List.of("5702"), sshBreakin.all("if_matched_sid"));
        assertTrue(sshBreakin.groups().contains("sshd"), "groups of the enclosing <group name> are inherited");
        assertTrue(sshBreakin.file().endsWith("0095-sshd_rules.xml") && sshBreakin.line() > 0);
        DecoderDefinition success = r.decoders().stream().filter(d -> "sshd-success".equals(d.name())).findFirst().orElseThrow();
        assertEquals("sshd", success.parent());
        assertEquals("after_prematch", success.regexes().get(0).offset());
        assertEquals(List.of("user", "srcip", "srcport"), success.orders().get(0));
        String msauth = r.rules().stream().filter(x -> x.file().endsWith("0220-msauth_rules.xml")).findFirst().orElseThrow().file();
        assertEquals("8", r.variables(msauth).get("MS_FREQ").strip(), "<var> definitions are kept, per file, for the rules that use them");
        assertFalse(r.variables(sshBreakin.file()).containsKey("MS_FREQ"), "another file's variables do not leak in");
    }

    @Test
    void ossecRulesetAndWazuhTestingRulesetLoad() throws Exception {
        OssecRuleset ossec = new OssecRuleset().addRules(corpus("ossec/rules"));
        System.out.printf("ossec: %d rules, %d problems%n", ossec.rules().size(), ossec.problems().size());
        assertEquals(tags(corpus("ossec/rules"), "rule"), ossec.rules().size(), "every <rule> outside comments is loaded");
        assertTrue(ossec.problems().stream().noneMatch(p -> p.message().startsWith("not loaded")), ossec.problems().toString());
        OssecRuleset testing = new OssecRuleset().addDecoders(corpus("wazuh/ruleset/testing-ruleset")).addRules(corpus("wazuh/ruleset/testing-ruleset"));
        assertTrue(testing.rules().size() > 0 && testing.decoders().size() > 0);
    }

    @Test
    void hostileXmlIsRefusedWithItsLocation(@TempDir Path dir) throws Exception {
        Path evil = dir.resolve("evil.xml");
        Files.writeString(evil, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<decoder name=\"x\">&e;</decoder>\n");
        RulesetException e = assertThrows(RulesetException.class, () -> RulesetXml.read(evil));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, "<decoder name=\"a\">\n  <prematch>x</prematch>\n</decoderr>\n");
        assertEquals(3, assertThrows(RulesetException.class, () -> RulesetXml.read(broken)).line());
        Path fine = dir.resolve("fine.xml");
        Files.writeString(fine, "<?xml version=\"1.0\"?>\n<decoder name=\"a\"><prematch>x</prematch></decoder>\n<decoder name=\"b\"/>\n");
        List<XmlElement> top = RulesetXml.read(fine);
        assertEquals(2, top.size());
        assertEquals(2, top.get(0).line());
        assertEquals(3, top.get(1).line());
    }
}
