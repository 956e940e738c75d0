package dev.bulwark.authoring.bench;

import dev.bulwark.engine.policy.DrlSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates a realistic, lint-clean family of decode-first log rules: each rule keys on decoded
 * fields with literals ({@code decoder == "app7", action == "denied-42"}), as the architecture
 * requires for large rule sets, and raises a finding with evidence. Files of 250 rules, one
 * package per 50 decoders, like a real content tree.
 */
public final class RuleGenerator {

    private static final String[] SEVERITIES = {"low", "medium", "high", "critical"};
    private static final String[] VERBS = {"denied", "failed", "blocked", "invalid", "overflow", "injection", "traversal", "timeout"};

    private RuleGenerator() {
    }

    public static List<DrlSource> generate(int count) {
        List<DrlSource> files = new ArrayList<>();
        int perFile = 250;
        for (int start = 0; start < count; start += perFile) {
            StringBuilder drl = new StringBuilder();
            drl.append("package rules.loginspection.generated").append(start / perFile).append(";\n\n")
                    .append("import dev.bulwark.engine.loginspection.LogEvent;\n")
                    .append("import dev.bulwark.engine.Finding;\n")
                    .append("import dev.bulwark.engine.Severity;\n\n");
            for (int i = start; i < Math.min(count, start + perFile); i++) {
                String sev = SEVERITIES[i % SEVERITIES.length];
                String verb = VERBS[i % VERBS.length];
                String decoder = "app" + (i % 50);
                drl.append("rule \"generated ").append(i).append("\"\n")
                        .append("    @id(\"LI-GEN-").append(String.format("%05d", i)).append("\") @title(\"")
                        .append(decoder).append(' ').append(verb).append(" event ").append(i).append("\")\n")
                        .append("    @module(\"loginspection\") @severity(\"").append(sev).append("\") @tags(\"generated,").append(verb).append("\")\n")
                        .append("when\n")
                        .append("    $e: LogEvent( decoder == \"").append(decoder).append("\", action == \"").append(verb).append('-').append(i).append("\"");
                if (i % 3 == 0) {
                    drl.append(", srcIp != null");
                }
                if (i % 5 == 0) {
                    drl.append(", status == \"failure\"");
                }
                drl.append(" )\nthen\n")
                        .append("    insert(Finding.raise(kcontext, Severity.").append(sev.toUpperCase()).append(", \"")
                        .append(decoder).append(' ').append(verb).append(" from \" + $e.srcIp(), \"srcip\", $e.srcIp(), \"user\", $e.user()));\n")
                        .append("end\n\n");
            }
            files.add(new DrlSource("loginspection/generated" + (start / perFile) + ".drl", drl.toString()));
        }
        return files;
    }
}
