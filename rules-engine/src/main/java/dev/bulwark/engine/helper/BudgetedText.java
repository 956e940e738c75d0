package dev.bulwark.engine.helper;

/**
 * A read-counting view of a regex subject. {@link java.util.regex} reads its input only through
 * {@link #charAt}, so counting reads bounds the work of one match: past the budget the match is
 * abandoned with {@link Exceeded} instead of backtracking without end on a hostile pattern.
 */
public final class BudgetedText implements CharSequence {

    /** Thrown when a match has read more characters than its budget. Cheap: no stack trace. */
    public static final class Exceeded extends RuntimeException {
        Exceeded() {
            super(null, null, false, false);
        }
    }

    private final String text;
    private final long[] remaining;

    public BudgetedText(String text, long budget) {
        this(text, new long[] {budget});
    }

    private BudgetedText(String text, long[] remaining) {
        this.text = text;
        this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw new Exceeded();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BudgetedText(text.substring(start, end), remaining);
    }

    @Override
    public String toString() {
        return text;
    }
}
