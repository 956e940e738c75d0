package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.helper.OsMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiteralPrefilterTest {

    @Test
    void answersOnlyCannotMatchOrRun() {
        LiteralPrefilter f = new LiteralPrefilter();
        // enough patterns to build the automaton
        for (int i = 0; i < 64; i++) {
            f.mayMatch("osmatch", "word" + i + "|other" + i, "x");
        }
        assertTrue(f.literalsCovered() >= 64);
        assertFalse(f.mayMatch("osmatch", "word3|other3", "Failed password for root"));
        assertTrue(f.mayMatch("osmatch", "word3|other3", "an OTHER3 thing"));
        // a pattern registered after the build runs unfiltered until the next one
        assertTrue(f.mayMatch("osmatch", "never-built-in", "nothing here"));
        // no literal to demand: always run
        assertTrue(f.mayMatch("osmatch", "abc|", "zzz"));
        assertTrue(f.mayMatch("osmatch", "!abc", "zzz"));
        assertTrue(f.mayMatch("osregex", "\\w+", "zzz"));
        assertTrue(f.mayMatch("pcre2", ".+", "zzz"));
    }

    @Test
    void pcre2VerbsAndCodePointsAreReadAsPcre2ReadsThem() {
        // Wazuh's sysmon rules look for the right-to-left override character this way
        String rlo = "(*UTF)\\N{U+202E}";
        assertEquals("\\x{202E}", PatternRef.Pcre2.toJava(rlo));
        assertEquals("(?U)\\w+", PatternRef.Pcre2.toJava("(*UCP)(*UTF)\\w+"));
        assertEquals("a\\\\N{U+41}", PatternRef.Pcre2.toJava("a\\\\N{U+41}"), "an escaped backslash before N stays text");
        assertEquals("(*FAIL)x", PatternRef.Pcre2.toJava("(*FAIL)x"), "other verbs are left for Java to refuse");
        assertTrue(PatternRef.find("pcre2", rlo, "C:\\Users\\a\u202Etxt.exe", 0) != null);
        assertTrue(PatternRef.find("pcre2", rlo, "C:\\Users\\a.exe", 0) == null);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PatternRef("(*FAIL)x", "pcre2", null, false).validated());
    }

    @Test
    void ossecPcre2HandsOverOnlyTheGroupsThatTookPart() {
        String su = "^BAD SU (\\S+) to (\\S+) on|^failed: \\S+ changing from (\\S+) to (\\S+)";
        String line = "failed: ttyq4 changing from ldap to root";
        assertEquals(java.util.Arrays.asList(null, null, "ldap", "root"), PatternRef.find("pcre2", su, line, 0).captures(),
                "Wazuh keeps each group in its place");
        assertEquals(List.of("ldap", "root"), PatternRef.find("ossec-pcre2", su, line, 0).captures(), "OSSEC skips the ones not set");
        assertTrue(new LiteralPrefilter().mayMatch("ossec-pcre2", su, line));
    }

    @Test
    void readsTheLiteralsAPcre2PatternDemands() {
        assertEquals(List.of("authentication"), PatternRef.Pcre2.requiredLiterals("(?i)authentication.+failed"));
        assertEquals(List.of("pass", "monitor"), PatternRef.Pcre2.requiredLiterals("^pass$|^monitor$"));
        assertEquals(List.of(".Subscriber.CreateSubscription"),
                PatternRef.Pcre2.requiredLiterals("^google\\.pubsub\\.v\\d*\\.Subscriber\\.CreateSubscription$"));
        assertEquals(List.of("ab"), PatternRef.Pcre2.requiredLiterals("abc?"));
        assertEquals(List.of("abc"), PatternRef.Pcre2.requiredLiterals("abc+d"));
        assertEquals(List.of("BC"), PatternRef.Pcre2.requiredLiterals("\\x41BC"));
        assertEquals(List.of("xy"), PatternRef.Pcre2.requiredLiterals("(ab|cd)xy"));
        assertEquals(List.of("k"), PatternRef.Pcre2.requiredLiterals("\\b{g}k"));
        assertEquals(null, PatternRef.Pcre2.requiredLiterals("(?:[0-9]{1,3}\\.){3}[0-9]{1,3}"), "a count is not text");
        assertEquals(List.of("ab"), PatternRef.Pcre2.requiredLiterals("x{2,5}ab"));
        assertEquals(null, PatternRef.Pcre2.requiredLiterals(".+"));
        assertEquals(null, PatternRef.Pcre2.requiredLiterals("a|"));
        assertEquals(null, PatternRef.Pcre2.requiredLiterals("(?x)a b"));
        assertEquals(null, PatternRef.Pcre2.requiredLiterals("\\Qa.b\\E"));
    }

    @Test
    void aFullRegistryRunsNewPatternsUnfiltered() {
        LiteralPrefilter f = new LiteralPrefilter();
        for (int i = 0; i < LiteralPrefilter.MAX_PATTERNS; i++) {
            f.mayMatch(i % 2 == 0 ? "osmatch" : "osregex", "p" + i, "x");
        }
        f.coverAll();
        assertFalse(f.mayMatch("osmatch", "p0", "nothing here"), "registered before the bound: filtered");
        assertTrue(f.mayMatch("osmatch", "beyond-the-bound", "nothing here"), "past the bound: always run");
        assertTrue(f.mayMatch("osmatch", "beyond-the-bound", "nothing here"));
        assertEquals(LiteralPrefilter.MAX_PATTERNS, f.literalsCovered());
    }

    @Test
    void foldsCaseAsRegionMatchesDoes() {
        LiteralPrefilter f = new LiteralPrefilter();
        for (int i = 0; i < 64; i++) {
            f.mayMatch("osmatch", "kelvin" + i, "x");
        }
        // the Kelvin sign's lower case is 'k'; the dotless i's upper case is 'I'
        String subject = "\u212Aelv\u0131n7 was here";
        assertEquals(OsMatch.find("kelvin7", subject), f.mayMatch("osmatch", "kelvin7", subject));
        assertTrue(OsMatch.find("kelvin7", subject));
    }

    /** Random patterns of both dialects over random lines: whenever the filter says no, the matcher says no. */
    @Test
    void neverHidesAMatch() {
        Random random = new Random(11);
        LiteralPrefilter f = new LiteralPrefilter();
        String alphabet = "abAB:;- \u212A\u0131k0";
        List<String> osmatch = new ArrayList<>();
        List<String> osregex = new ArrayList<>();
        List<String> pcre2 = new ArrayList<>();
        String[] pieces = {"a", "b", "B", ":", "\u212A", "\\d+", "(?i)", "[a-c]+", "(ab|cd)?", ".+", "x?", "\\.", "|", "\\x41", "b{1,2}",
            "\\s", "(?:k|:)", "[]a]", "\\b", "(?:a1){2}", "[0-9]{1,3}", "{", "1"};
        for (int i = 0; i < 400; i++) {
            StringBuilder p = new StringBuilder();
            int alternatives = 1 + random.nextInt(3);
            for (int a = 0; a < alternatives; a++) {
                if (a > 0) {
                    p.append('|');
                }
                if (random.nextInt(4) == 0) {
                    p.append('^');
                }
                p.append(text(random, alphabet, 1 + random.nextInt(4)));
                if (random.nextInt(4) == 0) {
                    p.append('$');
                }
            }
            osmatch.add(p.toString());
            String r = text(random, "ab:-", 1 + random.nextInt(3)) + (random.nextBoolean() ? "\\s+" : "\\d*")
                    + text(random, "ab;-", random.nextInt(3));
            osregex.add((random.nextInt(4) == 0 ? "^" : "") + r);
            StringBuilder q = new StringBuilder(random.nextInt(4) == 0 ? "^" : "");
            for (int k = 1 + random.nextInt(5); k > 0; k--) {
                q.append(pieces[random.nextInt(pieces.length)]);
            }
            try {
                java.util.regex.Pattern.compile(q.toString());
                pcre2.add(q.toString());
            } catch (java.util.regex.PatternSyntaxException e) {
                // only valid patterns reach the matcher
            }
        }
        osmatch.forEach(p -> f.mayMatch("osmatch", p, "x"));
        osregex.forEach(p -> f.mayMatch("osregex", p, "x"));
        pcre2.forEach(p -> f.mayMatch("pcre2", p, "x"));
        f.coverAll();
        int skipped = 0;
        for (int i = 0; i < 2000; i++) {
            String line = text(random, alphabet + "123cdxA.,", random.nextInt(30));
            for (String p : osmatch) {
                boolean may = f.mayMatch("osmatch", p, line);
                if (!may) {
                    skipped++;
                    assertFalse(OsMatch.find(p, line), () -> "osmatch '" + p + "' on '" + line + "'");
                }
            }
            for (String p : osregex) {
                if (!f.mayMatch("osregex", p, line)) {
                    skipped++;
                    assertFalse(OsRegex.of(p).matches(line), () -> "osregex '" + p + "' on '" + line + "'");
                }
            }
            for (String p : pcre2) {
                if (!f.mayMatch("pcre2", p, line)) {
                    skipped++;
                    assertEquals(null, PatternRef.Pcre2.of(p).find(line, 0), () -> "pcre2 '" + p + "' on '" + line + "'");
                }
            }
        }
        assertTrue(skipped > 100_000, "the filter should rule most pairs out, ruled out " + skipped);
    }

    private static String text(Random random, String alphabet, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
