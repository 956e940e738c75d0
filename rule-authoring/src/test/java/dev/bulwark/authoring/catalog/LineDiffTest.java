package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    @Test
    void printsWhatDiffUPrints() {
        // the same as GNU diff -u on these files (gaps of up to six unchanged lines join two hunks)
        String a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\nm\n";
        String b = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nl\nm\nk\n";
        assertEquals("""
                --- x
                +++ y
                @@ -1,7 +1,7 @@
                 a
                 b
                 c
                -d
                +D
                 e
                 f
                 g
                @@ -10,3 +10,4 @@
                 j
                 l
                 m
                +k
                """, LineDiff.unified("x", "y", a, b));
        assertEquals("@@ -1,10 +1,11 @@", LineDiff.unified("x", "y", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n")
                .lines().skip(2).findFirst().orElseThrow());
        assertEquals("", LineDiff.unified("x", "y", a, a));
    }

    /** Applying the hunks to the old text gives the new one, for random edits (texts end with a newline, as rendered rules do). */
    @Test
    void hunksRebuildTheNewText() {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 500; round++) {
            List<String> from = new ArrayList<>();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                from.add("line " + r.nextInt(12));
            }
            List<String> to = new ArrayList<>(from);
            for (int e = r.nextInt(6); e > 0; e--) {
                int op = r.nextInt(3);
                if (op == 0 || to.isEmpty()) {
                    to.add(r.nextInt(to.size() + 1), "new " + r.nextInt(5));
                } else if (op == 1) {
                    to.remove(r.nextInt(to.size()));
                } else {
                    to.set(r.nextInt(to.size()), "changed " + r.nextInt(5));
                }
            }
            String a = from.isEmpty() ? "" : String.join("\n", from) + "\n";
            String b = to.isEmpty() ? "" : String.join("\n", to) + "\n";
            String diff = LineDiff.unified("a", "b", a, b);
            assertEquals(b, apply(a, diff), diff);
        }
    }

    static String apply(String from, String diff) {
        if (diff.isEmpty()) {
            return from;
        }
        String[] a = from.isEmpty() ? new String[0] : from.substring(0, from.length() - 1).split("\n", -1);
        List<String> out = new ArrayList<>();
        int next = 0;
        String[] lines = diff.split("\n", -1);
        for (int i = 2; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("@@")) {
                String[] head = l.split(" ");
                String[] old = head[1].substring(1).split(",");
                int start = Integer.parseInt(old[0]) - (Integer.parseInt(old[1]) == 0 ? 0 : 1);
                while (next < start) {
                    out.add(a[next++]);
                }
            } else if (l.startsWith(" ")) {
                assertEquals(a[next], l.substring(1));
                out.add(a[next++]);
            } else if (l.startsWith("-")) {
                assertEquals(a[next], l.substring(1));
                next++;
            } else if (l.startsWith("+")) {
                out.add(l.substring(1));
            } else {
                assertTrue(l.isEmpty() && i == lines.length - 1, "unexpected line: " + l);
            }
        }
        while (next < a.length) {
            out.add(a[next++]);
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }
}
