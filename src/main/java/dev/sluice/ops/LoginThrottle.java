package dev.sluice.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Slows down password guessing: after {@link #USER_FAILURES} failed logins of one user, or {@link #ADDRESS_FAILURES}
 * from one address, further logins of that user (or from that address) are answered 429 with {@code Retry-After}
 * for a time that doubles with each further failure, from 1 second to {@link #MAX_LOCK}; failures are forgotten
 * {@link #FORGET} after the last one, and a user's at its next successful login.
 */
@ApplicationScoped
public class LoginThrottle {

    static final int USER_FAILURES = 5;
    static final int ADDRESS_FAILURES = 10;
    static final long MAX_LOCK = TimeUnit.MINUTES.toNanos(15);
    static final long FORGET = TimeUnit.MINUTES.toNanos(15);
    /** Beyond this many remembered users or addresses, the forgotten ones are dropped first. */
    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, long lastNanos, long lockedUntilNanos) {
    }

    private final Map<String, Failures> users = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    /** Seconds until {@code user} may try from {@code address} again; 0 when it may now. */
    public long retryAfterSeconds(String user, String address) {
        long now = System.nanoTime();
        long wait = Math.max(remaining(users.get(user), now), remaining(addresses.get(address), now));
        return wait <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
    }

    void failed(String user, String address) {
        long now = System.nanoTime();
        if (users.size() + addresses.size() > MAX_ENTRIES) {
            users.values().removeIf(f -> now - f.lastNanos() > FORGET);
            addresses.values().removeIf(f -> now - f.lastNanos() > FORGET);
        }
        users.compute(user, (k, previous) -> next(previous, now, USER_FAILURES));
        addresses.compute(address, (k, previous) -> next(previous, now, ADDRESS_FAILURES));
    }

    void succeeded(String user) {
        users.remove(user);
    }

    private static Failures next(Failures previous, long now, int free) {
        int count = previous == null || now - previous.lastNanos() > FORGET ? 1 : previous.count() + 1;
        long lock = count < free ? 0
                : Math.min(MAX_LOCK, TimeUnit.SECONDS.toNanos(1L << Math.min(30, count - free)));
        return new Failures(count, now, now + lock);
    }

    private static long remaining(Failures failures, long now) {
        return failures == null ? 0 : failures.lockedUntilNanos() - now;
    }
}
