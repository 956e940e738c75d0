package dev.bulwark.authoring.ossec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs Wazuh-style logtest cases ({@code {"file","section","name","events","rule","level","decoder","negate"}}
 * per line) against an imported ruleset, each case in a fresh state, judging the alert of its last
 * event as Wazuh's own runner does ({@code runtests.py} over {@code wazuh-logtest -U rule:level:decoder}):
 * a case passes when decoder, rule id and level all equal the expected ones and none of them is empty;
 * a negated case passes otherwise (so a negated case with an empty expected field always passes there,
 * and here).
 */
public final class Conformance {

    /** One case and what Bulwark made of it. */
    public record Result(String file, String section, String name, boolean passed, String expected, String got) {
    }

    /** Pass counts per case file. */
    public record Report(List<Result> results) {
        public long passed() {
            return results.stream().filter(Result::passed).count();
        }

        public double rate() {
            return results.isEmpty() ? 0 : (double) passed() / results.size();
        }

        /** Rate over the case files whose name starts with one of the prefixes. */
        public double rate(List<String> filePrefixes) {
            List<Result> sel = results.stream().filter(r -> filePrefixes.stream().anyMatch(p -> r.file().startsWith(p))).toList();
            return sel.isEmpty() ? 1 : (double) sel.stream().filter(Result::passed).count() / sel.size();
        }

        public Map<String, int[]> perFile() {
            Map<String, int[]> out = new TreeMap<>();
            for (Result r : results) {
                int[] c = out.computeIfAbsent(r.file(), f -> new int[2]);
                c[1]++;
                if (r.passed()) {
                    c[0]++;
                }
            }
            return out;
        }

        public String table() {
            StringBuilder b = new StringBuilder();
            perFile().forEach((f, c) -> b.append(String.format("%-48s %4d/%-4d %6.1f %%%n", f, c[0], c[1], 100.0 * c[0] / c[1])));
            b.append(String.format("%-48s %4d/%-4d %6.1f %%%n", "total", passed(), results.size(), 100 * rate()));
            return b.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {
    }

    public static Report run(OssecTester tester, Path cases) throws IOException {
        List<Result> results = new ArrayList<>();
        for (String line : Files.readAllLines(cases, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = JSON.readTree(line);
            tester.reset();
            OssecTester.Outcome last = null;
            for (JsonNode e : c.path("events")) {
                last = tester.test(e.asText());
            }
            String rule = text(c, "rule");
            String level = text(c, "level");
            String decoder = text(c, "decoder");
            boolean negate = c.path("negate").asBoolean(false);
            String gotRule = last == null ? null : last.ruleId();
            String gotLevel = last == null || last.level() == null ? null : last.level().toString();
            String gotDecoder = last == null ? null : last.event().decoder();
            // wazuh-logtest -U exits 0 only when (rule, level, decoder) equals the expected triple and none of the
            // expected fields is empty (on an exact match it exits with the number of empty fields, "to support
            // runtests.py"); runtests.py passes a case on exit 0, a negated ("fail") case on any other exit
            List<String> expected = List.of(blank(rule), blank(level), blank(decoder));
            List<String> got = List.of(blank(gotRule), blank(gotLevel), blank(gotDecoder));
            int exit = expected.equals(got) ? (int) expected.stream().filter(String::isEmpty).count() : 1;
            boolean ok = negate ? exit != 0 : exit == 0;
            results.add(new Result(text(c, "file"), text(c, "section"), text(c, "name"), ok,
                    (negate ? "not " : "") + "rule " + rule + " level " + level + " decoder " + decoder,
                    "rule " + gotRule + " level " + gotLevel + " decoder " + gotDecoder));
        }
        return new Report(results);
    }

    private static String blank(String s) {
        return s == null ? "" : s;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
