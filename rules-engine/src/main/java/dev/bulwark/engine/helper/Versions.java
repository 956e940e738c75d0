package dev.bulwark.engine.helper;

/**
 * Package version ordering as the package managers themselves define it, so "installed version
 * is older than the fixed one" means what dpkg or rpm would say:
 * {@code Versions.compare($p.manager(), $p.version(), "1:9.2p1-2+deb12u3") < 0}.
 * Written from dpkg's {@code verrevcmp}, rpm's {@code rpmvercmp} and the SemVer 2.0.0 precedence
 * rules (no maintained Java library implements the first two).
 */
public final class Versions {

    private Versions() {
    }

    /** Compares by the rules of {@code manager}: {@code dpkg}, {@code rpm}, or anything else as SemVer. */
    public static int compare(String manager, String a, String b) {
        if ("dpkg".equals(manager)) {
            return debian(a, b);
        }
        if ("rpm".equals(manager)) {
            return rpm(a, b);
        }
        return semver(a, b);
    }

    /** dpkg ordering of {@code [epoch:]upstream[-revision]}; negative when {@code a} is older. */
    public static int debian(String a, String b) {
        Evr x = Evr.parse(a);
        Evr y = Evr.parse(b);
        if (x.epoch() != y.epoch()) {
            return Integer.compare(x.epoch(), y.epoch());
        }
        int c = verrevcmp(x.version(), y.version());
        return c != 0 ? Integer.signum(c) : Integer.signum(verrevcmp(x.release(), y.release()));
    }

    /**
     * Epoch, version and release (Debian: upstream version and revision), as both dpkg and rpm
     * write them: {@code [epoch:]version[-release]}, the release after the last dash.
     */
    private record Evr(int epoch, String version, String release) {
        static Evr parse(String text) {
            String v = text == null ? "" : text.trim();
            int epoch = 0;
            int colon = v.indexOf(':');
            if (colon >= 0) {
                epoch = parseEpoch(v.substring(0, colon));
                v = v.substring(colon + 1);
            }
            int dash = v.lastIndexOf('-');
            return dash < 0 ? new Evr(epoch, v, "") : new Evr(epoch, v.substring(0, dash), v.substring(dash + 1));
        }
    }

    private static int parseEpoch(String s) {
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int order(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        if (Character.isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = order(a, i);
                int bc = order(b, j);
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && j < b.length() && Character.isDigit(a.charAt(i)) && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    /** rpm ordering of {@code [epoch:]version[-release]}; negative when {@code a} is older. */
    public static int rpm(String a, String b) {
        Evr x = Evr.parse(a);
        Evr y = Evr.parse(b);
        if (x.epoch() != y.epoch()) {
            return Integer.compare(x.epoch(), y.epoch());
        }
        int c = rpmvercmp(x.version(), y.version());
        // rpm compares releases only when both versions carry one
        if (c != 0 || x.release().isEmpty() || y.release().isEmpty()) {
            return c;
        }
        return rpmvercmp(x.release(), y.release());
    }

    private static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !Character.isLetterOrDigit(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') {
                i++;
            }
            while (j < b.length() && !Character.isLetterOrDigit(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') {
                j++;
            }
            boolean ta = i < a.length() && a.charAt(i) == '~';
            boolean tb = j < b.length() && b.charAt(j) == '~';
            if (ta || tb) {
                if (!ta) {
                    return 1;
                }
                if (!tb) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            boolean ca = i < a.length() && a.charAt(i) == '^';
            boolean cb = j < b.length() && b.charAt(j) == '^';
            if (ca || cb) {
                if (i >= a.length()) {
                    return -1;
                }
                if (j >= b.length()) {
                    return 1;
                }
                if (!ca) {
                    return 1;
                }
                if (!cb) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (i >= a.length() || j >= b.length()) {
                break;
            }
            boolean numeric = Character.isDigit(a.charAt(i));
            int si = i;
            int sj = j;
            while (i < a.length() && (numeric ? Character.isDigit(a.charAt(i)) : Character.isLetter(a.charAt(i)))) {
                i++;
            }
            while (j < b.length() && (numeric ? Character.isDigit(b.charAt(j)) : Character.isLetter(b.charAt(j)))) {
                j++;
            }
            String sa = a.substring(si, i);
            String sb = b.substring(sj, j);
            if (sb.isEmpty()) {
                return numeric ? 1 : -1;
            }
            if (numeric) {
                sa = sa.replaceFirst("^0+(?=.)", "");
                sb = sb.replaceFirst("^0+(?=.)", "");
                if (sa.length() != sb.length()) {
                    return sa.length() > sb.length() ? 1 : -1;
                }
            }
            int c = sa.compareTo(sb);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        boolean restA = i < a.length();
        boolean restB = j < b.length();
        if (!restA && !restB) {
            return 0;
        }
        return restA ? 1 : -1;
    }

    /** SemVer 2.0.0 precedence (build metadata ignored); a leading {@code v} is accepted. */
    public static int semver(String a, String b) {
        String[] x = semverParts(a);
        String[] y = semverParts(b);
        for (int k = 0; k < 3; k++) {
            int c = compareNumeric(x[k], y[k]);
            if (c != 0) {
                return c;
            }
        }
        String pa = x[3];
        String pb = y[3];
        if (pa.isEmpty() || pb.isEmpty()) {
            return pa.isEmpty() == pb.isEmpty() ? 0 : (pa.isEmpty() ? 1 : -1);
        }
        String[] ia = pa.split("\\.");
        String[] ib = pb.split("\\.");
        for (int k = 0; k < Math.min(ia.length, ib.length); k++) {
            boolean na = ia[k].chars().allMatch(Character::isDigit);
            boolean nb = ib[k].chars().allMatch(Character::isDigit);
            int c = na && nb ? compareNumeric(ia[k], ib[k]) : na ? -1 : nb ? 1 : Integer.signum(ia[k].compareTo(ib[k]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ia.length, ib.length);
    }

    private static String[] semverParts(String v) {
        String s = v == null ? "" : v.trim();
        if (s.startsWith("v") || s.startsWith("V")) {
            s = s.substring(1);
        }
        int plus = s.indexOf('+');
        if (plus >= 0) {
            s = s.substring(0, plus);
        }
        String pre = "";
        int dash = s.indexOf('-');
        if (dash >= 0) {
            pre = s.substring(dash + 1);
            s = s.substring(0, dash);
        }
        String[] core = s.split("\\.", -1);
        return new String[] {core.length > 0 ? core[0] : "0", core.length > 1 ? core[1] : "0", core.length > 2 ? core[2] : "0", pre};
    }

    private static int compareNumeric(String a, String b) {
        String x = a.replaceFirst("^0+(?=.)", "");
        String y = b.replaceFirst("^0+(?=.)", "");
        boolean nx = !x.isEmpty() && x.chars().allMatch(Character::isDigit);
        boolean ny = !y.isEmpty() && y.chars().allMatch(Character::isDigit);
        if (nx && ny) {
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : Integer.signum(x.compareTo(y));
        }
        return Integer.signum(x.compareTo(y));
    }
}
