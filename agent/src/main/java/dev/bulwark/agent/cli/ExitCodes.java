package dev.bulwark.agent.cli;

/** What {@code bulwark-agent} exit codes mean; scripts and tests rely on them. */
public final class ExitCodes {
    /** Done; for {@code evaluate}, no finding or verdict. */
    public static final int OK = 0;
    /** {@code evaluate} produced at least one finding or verdict. */
    public static final int RESULTS = 1;
    /** Some input lines were malformed; they are reported on stderr and the rest was processed. */
    public static final int BAD_INPUT = 2;
    /** The bundle was refused; the running one (if any) is unchanged. */
    public static final int BUNDLE_REFUSED = 3;
    /** Local state is missing or unreadable (no pinned key, no bundle, corrupt file). */
    public static final int STATE_ERROR = 4;
    /** The command line was wrong. */
    public static final int USAGE = 64;

    private ExitCodes() {
    }
}
