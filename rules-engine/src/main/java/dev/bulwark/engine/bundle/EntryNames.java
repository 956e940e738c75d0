package dev.bulwark.engine.bundle;

import java.util.regex.Pattern;

/** Which entry names a bundle may carry: relative, no parent segments, a conservative alphabet. */
final class EntryNames {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

    private EntryNames() {
    }

    static boolean isSafe(String name) {
        return name.length() <= 200 && SAFE.matcher(name).matches() && !name.contains("..");
    }

    static String requireSafe(String name) {
        if (!isSafe(name)) {
            throw new IllegalArgumentException("data file name '" + name + "' is not allowed in a bundle: use letters, digits, '.', '_', '-' and '/' only, no '..'");
        }
        return name;
    }
}
