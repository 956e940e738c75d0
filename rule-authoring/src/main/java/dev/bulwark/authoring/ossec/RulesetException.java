package dev.bulwark.authoring.ossec;

/** A ruleset file that cannot be read: which file, which line, and what is wrong. */
public final class RulesetException extends Exception {
    private final String file;
    private final int line;

    public RulesetException(String file, int line, String message, Throwable cause) {
        super(file + ":" + line + ": " + message, cause);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
