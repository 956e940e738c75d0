package dev.bulwark.agent.uplink;

import java.io.IOException;

/**
 * The manager refused a call or could not be reached. {@code status} is the HTTP status (0 when
 * there was no answer), {@code code} the protocol error code when the manager gave one.
 */
public final class ManagerException extends IOException {
    private final int status;
    private final String code;

    public ManagerException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Worth retrying later (no answer, overload, a server error) rather than a refusal of this request. */
    public boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }
}
