package dev.bulwark.engine.loginspection.decoder;

/** Lenient number parsing for decoded fields: anything malformed is absent, never an exception. */
final class Numbers {
    private Numbers() {
    }

    static Integer port(String s) {
        Integer v = integer(s);
        return v != null && v >= 0 && v <= 65535 ? v : null;
    }

    static Integer integer(String s) {
        if (s == null || s.isEmpty() || s.length() > 10) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        long v = Long.parseLong(s);
        return v <= Integer.MAX_VALUE ? (int) v : null;
    }
}
