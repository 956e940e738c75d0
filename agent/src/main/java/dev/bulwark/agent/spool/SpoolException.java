package dev.bulwark.agent.spool;

import java.io.IOException;

/** The spool cannot be opened or written: names the file and what to do. */
public final class SpoolException extends IOException {
    public SpoolException(String message) {
        super(message);
    }

    public SpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
