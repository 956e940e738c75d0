package dev.bulwark.agent.protocol;

import java.time.Duration;

/** Sizes and windows both sides enforce; the manager refuses anything beyond them with a typed error. */
public final class ProtocolLimits {
    private ProtocolLimits() {
    }

    /** Largest request body the manager reads (the agent splits batches to stay below it). */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Most events in one batch. */
    public static final int MAX_BATCH_EVENTS = 2_000;
    /** Largest single event, as JSON; larger events are cut by the agent before they are spooled. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;
    /** How far a signed request's timestamp may be from the manager's clock. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** Longest text the manager keeps in a summary column (the full event is kept as JSON). */
    public static final int MAX_SUMMARY_CHARS = 1_000;
}
