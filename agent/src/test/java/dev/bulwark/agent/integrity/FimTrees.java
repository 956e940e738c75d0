package dev.bulwark.agent.integrity;

import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs passes over real temporary trees and collects what they report. */
final class FimTrees {

    private FimTrees() {
    }

    static MonitorPlan plan(Path... roots) {
        List<MonitorSpec> specs = new ArrayList<>();
        for (Path r : roots) {
            specs.add(MonitorSpec.tree(r.toString()));
        }
        return new MonitorPlan(specs);
    }

    static MonitorPlan plan(MonitorSpec... specs) {
        return new MonitorPlan(List.of(specs));
    }

    /** What one pass reported. */
    record Outcome(IntegrityScan.Summary summary, List<IntegrityScan.Change> changes, List<String> warnings) {
    }

    static Outcome baseline(MonitorPlan plan, Path store) throws IOException {
        return pass(plan, store, false, true, ExpectedChanges.NONE);
    }

    static Outcome check(MonitorPlan plan, Path store) throws IOException {
        return pass(plan, store, true, true, ExpectedChanges.NONE);
    }

    static Outcome pass(MonitorPlan plan, Path store, boolean compare, boolean update, ExpectedChanges expected) throws IOException {
        Path file = store.resolve("baseline.fim");
        List<IntegrityScan.Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        IntegrityScan.Listener l = new IntegrityScan.Listener() {
            @Override
            public void change(IntegrityScan.Change change) {
                changes.add(change);
            }

            @Override
            public void warning(String path, String problem) {
                warnings.add(path + ": " + problem);
            }
        };
        try (BaselineFile.Reader old = compare ? new BaselineFile.Reader(file) : null) {
            MonitorPlan oldPlan = old == null ? null : old.plan();
            IntegrityScan scan = new IntegrityScan(plan, 2, expected);
            IntegrityScan.Summary s;
            if (update) {
                try (BaselineFile.Writer out = new BaselineFile.Writer(file, plan.toJson())) {
                    s = scan.run(old, oldPlan, out, p -> true, l);
                    out.commit();
                }
            } else {
                s = scan.run(old, oldPlan, null, p -> true, l);
            }
            return new Outcome(s, changes, warnings);
        }
    }

    static MonitorSpec spec(Path root, String attributes, boolean follow) {
        return new MonitorSpec("test", List.of(root.toString()), List.of(), FileAttribute.parse(attributes), -1, follow);
    }

    /** Runs a shell command (for what Java cannot do: byte names, FIFOs, ACLs). */
    static int sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + script);
        }
        if (p.exitValue() != 0) {
            System.err.println(script + ": " + new String(out));
        }
        return p.exitValue();
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }
}
