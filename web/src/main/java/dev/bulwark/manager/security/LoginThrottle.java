package dev.bulwark.manager.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing: after 5 failed logins for one user name, or 20 from one address, within
 * 15 minutes, further attempts for that name or from that address are refused for a lock period
 * that doubles with each further failure (1 minute up to an hour) — before the password is even
 * checked. A success clears the user name's count. Memory is per manager process and bounded.
 */
@Component
public class LoginThrottle {
    static final int PER_USER = 5;
    static final int PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 100_000;

    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    private record Failures(int count, long firstMillis, long lockedUntil) {
    }

    /** Milliseconds until the name or address may try again; 0 when it may try now. */
    public long retryAfterMillis(String username, String address) {
        long now = clock.millis();
        return Math.max(wait("u:" + username, now), wait("a:" + address, now));
    }

    private long wait(String key, long now) {
        Failures f = failures.get(key);
        return f == null ? 0 : Math.max(0, f.lockedUntil() - now);
    }

    public void failed(String username, String address) {
        long now = clock.millis();
        if (failures.size() > MAX_KEYS) {
            for (Iterator<Map.Entry<String, Failures>> it = failures.entrySet().iterator(); it.hasNext(); ) {
                Failures f = it.next().getValue();
                if (now - f.firstMillis() > WINDOW.toMillis() && f.lockedUntil() < now) {
                    it.remove();
                }
            }
        }
        bump("u:" + username, PER_USER, now);
        bump("a:" + address, PER_ADDRESS, now);
    }

    private void bump(String key, int allowed, long now) {
        failures.compute(key, (k, f) -> {
            if (f == null || (now - f.firstMillis() > WINDOW.toMillis() && f.lockedUntil() < now)) {
                return new Failures(1, now, 0);
            }
            int count = f.count() + 1;
            long lock = 0;
            if (count >= allowed) {
                long minutes = Math.min(60, 1L << Math.min(6, count - allowed));
                lock = now + Duration.ofMinutes(minutes).toMillis();
            }
            return new Failures(count, f.firstMillis(), Math.max(lock, f.lockedUntil()));
        });
    }

    public void succeeded(String username) {
        failures.remove("u:" + username);
    }
}
