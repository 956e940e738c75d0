package dev.bulwark.engine.helper;

/**
 * Path globs as integrity and exclusion rules write them: {@code *} within one path segment,
 * {@code **} across segments, {@code ?} one character, {@code [abc]} a class. Matched by a
 * backtracking-free algorithm (linear in practice, never exponential), so a hostile pattern or
 * path cannot stall a rule.
 */
public final class Glob {

    private Glob() {
    }

    public static boolean matches(String glob, String path) {
        if (glob == null || path == null || glob.length() > 4096 || path.length() > 65536) {
            return false;
        }
        return match(glob, 0, path, 0);
    }

    /**
     * Iterative matching with one resumption point per kind of star, the classic wildcard algorithm
     * extended so that {@code *} stops at '/' and {@code **} does not.
     */
    private static boolean match(String g, int gi, String p, int pi) {
        int starG = -1;
        int starP = -1;
        boolean starCrossesSlash = false;
        while (pi < p.length()) {
            if (gi < g.length()) {
                char c = g.charAt(gi);
                if (c == '*') {
                    boolean dbl = gi + 1 < g.length() && g.charAt(gi + 1) == '*';
                    gi += dbl ? 2 : 1;
                    if (dbl && gi < g.length() && g.charAt(gi) == '/') {
                        // "**/" also matches zero directories: try without consuming the slash.
                        if (match(g, gi + 1, p, pi)) {
                            return true;
                        }
                    }
                    starG = gi;
                    starP = pi;
                    starCrossesSlash = dbl;
                    continue;
                }
                if (c == '?' && p.charAt(pi) != '/') {
                    gi++;
                    pi++;
                    continue;
                }
                if (c == '[') {
                    int end = g.indexOf(']', gi + 1);
                    if (end > gi + 1) {
                        if (inClass(g, gi + 1, end, p.charAt(pi))) {
                            gi = end + 1;
                            pi++;
                            continue;
                        }
                    } else if (p.charAt(pi) == '[') {
                        gi++;
                        pi++;
                        continue;
                    }
                } else if (c == p.charAt(pi) && c != '?') {
                    gi++;
                    pi++;
                    continue;
                }
            }
            if (starG >= 0 && (starCrossesSlash || p.charAt(starP) != '/')) {
                starP++;
                pi = starP;
                gi = starG;
                continue;
            }
            return false;
        }
        while (gi < g.length() && g.charAt(gi) == '*') {
            gi++;
        }
        return gi == g.length();
    }

    private static boolean inClass(String g, int from, int to, char ch) {
        boolean negate = g.charAt(from) == '!' || g.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean hit = false;
        while (i < to) {
            char lo = g.charAt(i);
            if (i + 2 < to && g.charAt(i + 1) == '-') {
                if (ch >= lo && ch <= g.charAt(i + 2)) {
                    hit = true;
                }
                i += 3;
            } else {
                if (ch == lo) {
                    hit = true;
                }
                i++;
            }
        }
        return hit != negate && ch != '/';
    }
}
