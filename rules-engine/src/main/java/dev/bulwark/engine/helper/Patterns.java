package dev.bulwark.engine.helper;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions for rules, compiled once and cached (bounded). Each match runs under a step
 * budget: the input is read through a view that counts character reads, and a match that exceeds
 * {@link #STEP_BUDGET} is abandoned as "no match" (catastrophic backtracking costs a bounded
 * amount instead of stalling the session). Input beyond {@link #MAX_INPUT} is not examined. Prefer literal {@code ==}
 * tests on decoded fields; this is for what decoders cannot express. A pattern that does not
 * compile matches nothing.
 */
public final class Patterns {

    /** Longest input a pattern is run against; the rest of a longer value is not examined. */
    public static final int MAX_INPUT = 8192;
    /** Character reads one match may make before it is abandoned. */
    public static final long STEP_BUDGET = 2_000_000;
    private static final java.util.concurrent.atomic.LongAdder ABANDONED = new java.util.concurrent.atomic.LongAdder();
    private static final Pattern INVALID = Pattern.compile("(?!)");
    private static final BoundedCache<String, Pattern> CACHE = new BoundedCache<>(2048);

    private Patterns() {
    }

    public static boolean find(String regex, String input) {
        if (regex == null || input == null) {
            return false;
        }
        Pattern p = compiled(regex);
        if (p == INVALID) {
            return false;
        }
        String bounded = input.length() > MAX_INPUT ? input.substring(0, MAX_INPUT) : input;
        try {
            return p.matcher(new BudgetedText(bounded, STEP_BUDGET)).find();
        } catch (BudgetedText.Exceeded e) {
            ABANDONED.increment();
            return false;
        }
    }

    /** How many matches were abandoned for exceeding the step budget since start. */
    public static long abandonedMatches() {
        return ABANDONED.sum();
    }

    static Pattern compiled(String regex) {
        return CACHE.get(regex, r -> {
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                return INVALID;
            }
        });
    }
}
