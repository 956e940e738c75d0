package dev.bulwark.authoring.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts by lines (longest common subsequence), with three lines of context,
 * as {@code diff -u} prints it. Rules are short; texts whose line counts multiply beyond
 * {@link #MAX_CELLS} are reported as differing without a line diff rather than costing minutes.
 */
public final class LineDiff {

    static final long MAX_CELLS = 25_000_000L;
    private static final int CONTEXT = 3;

    private LineDiff() {
    }

    /** The diff, or an empty string when the texts are equal. */
    public static String unified(String fromName, String toName, String from, String to) {
        if (from.equals(to)) {
            return "";
        }
        String[] a = lines(from);
        String[] b = lines(to);
        StringBuilder out = new StringBuilder("--- ").append(fromName).append("\n+++ ").append(toName).append('\n');
        if ((long) a.length * b.length > MAX_CELLS) {
            return out.append("@@ texts of ").append(a.length).append(" and ").append(b.length).append(" lines differ (too long for a line diff) @@\n").toString();
        }
        // ops: ' ' kept, '-' only in a, '+' only in b; ai/bi are the line indexes
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Character> ops = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                ops.add(' ');
                at.add(new int[] {i++, j++});
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add('-');
                at.add(new int[] {i++, j});
            } else {
                ops.add('+');
                at.add(new int[] {i, j++});
            }
        }
        if (ops.stream().allMatch(op -> op == ' ')) {
            return out.append("@@ the texts differ only in their final newline @@\n").toString();
        }
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k) == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            // extend while the next change is within 2 * CONTEXT kept lines
            int last = k;
            for (int x = k; x < ops.size(); x++) {
                if (ops.get(x) != ' ') {
                    last = x;
                } else if (x - last > 2 * CONTEXT) {
                    break;
                }
            }
            int end = Math.min(ops.size(), last + CONTEXT + 1);
            int aStart = at.get(start)[0];
            int bStart = at.get(start)[1];
            int aCount = 0;
            int bCount = 0;
            StringBuilder hunk = new StringBuilder();
            for (int x = start; x < end; x++) {
                char op = ops.get(x);
                int[] pos = at.get(x);
                String line = op == '+' ? b[pos[1]] : a[pos[0]];
                hunk.append(op).append(line).append('\n');
                if (op != '+') {
                    aCount++;
                }
                if (op != '-') {
                    bCount++;
                }
            }
            out.append("@@ -").append(range(aStart, aCount)).append(" +").append(range(bStart, bCount)).append(" @@\n").append(hunk);
            k = end;
        }
        return out.toString();
    }

    /** Lines as diff sees them: a final newline ends the last line, it does not start an empty one. */
    private static String[] lines(String text) {
        if (text.isEmpty()) {
            return new String[0];
        }
        return (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
    }

    private static String range(int start, int count) {
        return count == 0 ? start + ",0" : (start + 1) + "," + count;
    }

    /** A catalog entry as diffable text: its metadata, one field per line, then its DRL. */
    public static String render(CatalogRule r) {
        return "id: " + r.id() + "\ntitle: " + r.title() + "\nmodule: " + r.module() + "\nseverity: " + r.severity()
                + "\ncves: " + String.join(", ", r.cves()) + "\ncvss: " + (r.cvss() == null ? "" : r.cvss()) + "\napplication: "
                + (r.application() == null ? "" : r.application()) + "\ntags: " + String.join(", ", r.tags()) + "\nstatus: " + r.status()
                + "\nsource: " + r.source() + "\ncases: " + r.caseCount() + "\npath: " + r.path() + "\ndescription: " + r.description()
                + "\n\n" + r.drl() + "\n";
    }
}
