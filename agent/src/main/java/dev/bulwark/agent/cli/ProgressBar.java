package dev.bulwark.agent.cli;

/** The progress bar long-running commands draw on a terminal's stderr. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private ProgressBar() {
    }

    /** {@code [########                      ]  27% } for {@code done} of {@code total} (empty at 0 % when the total is not known). */
    static String bar(long done, long total) {
        int filled = total > 0 ? (int) Math.min(WIDTH, WIDTH * done / total) : 0;
        long percent = total > 0 ? Math.min(100, 100 * done / total) : 0;
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + String.format("%3d%% ", percent);
    }
}
