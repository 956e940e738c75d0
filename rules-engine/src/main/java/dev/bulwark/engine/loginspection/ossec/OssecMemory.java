package dev.bulwark.engine.loginspection.ossec;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The earlier alerts one stream's correlation rules look back on ({@code if_matched_sid},
 * {@code if_matched_group}, {@code ignore}), kept as Wazuh keeps them: one list per rule id and per
 * group something correlates on, newest last, walked newest first by {@link OssecRules#frequent}
 * until the rule's timeframe or its count is reached. Where a correlating rule groups by a field
 * ({@code same_source_ip}, {@code same_field}, ...), the list is also kept per value of that field
 * (key {@code g:GROUP#srcip}), so a rule walks only the alerts of its own source, user or id: the
 * cost of a correlation does not grow with the other traffic in its window.
 *
 * <p>Bounded: an alert older than {@link #MAX_WINDOW_SECONDS} (the longest window the importer
 * accepts) is dropped, a list holds at most {@link #MAX_PER_LIST}, and the whole memory at most
 * {@link #MAX_ENTRIES} (oldest first), so a flood of distinct sources cannot grow it without limit.
 * An entry keeps the event's decoded fields and location, not its text.
 *
 * <p>One per stream (an agent's scan, a logtest run); the tree state carries it from event to event.
 * Not thread-safe: a stream is evaluated by one thread.
 */
public final class OssecMemory {

    /** The longest timeframe or ignore period an alert can serve, in seconds. */
    public static final int MAX_WINDOW_SECONDS = 7200;
    static final long MAX_AGE_MILLIS = MAX_WINDOW_SECONDS * 1000L;
    /** Far above any frequency in the Wazuh and OSSEC rulesets (100 at most). */
    public static final int MAX_PER_LIST = 8192;
    /** Entries over all lists (an alert kept under two keys counts twice). */
    public static final int MAX_ENTRIES = 200_000;
    /** First-time-seen keys kept ({@code if_fts}); the oldest is forgotten beyond this. */
    public static final int MAX_FTS_KEYS = 100_000;

    /** One remembered alert: what the correlation conditions read, and the event's matched level. */
    record Entry(long timestamp, Map<String, String> fields, String location, String user, MatchedLevel matched) {
    }

    /** A list: a rule id or group, optionally narrowed to one value of one field. */
    private record ListKey(String key, String field, String value) {
    }

    private record Placed(Deque<Entry> list, ListKey key, Entry entry) {
    }

    private final Map<ListKey, Deque<Entry>> lists = new HashMap<>();
    /** Every entry in the order it was added, for dropping the oldest first. */
    private final Deque<Placed> order = new ArrayDeque<>();
    private final java.util.LinkedHashSet<String> seen = new java.util.LinkedHashSet<>();

    /**
     * Remembers {@code m}'s alert under each entry of its {@code rememberAs}: {@code s:ID} or
     * {@code g:GROUP}, optionally followed by {@code #FIELD} for the per-value list, comma separated.
     */
    void remember(OssecMatch m) {
        OssecEvent e = m.event();
        Entry entry = new Entry(e.timestamp(), e.fields(), e.location(), e.user(), e.matched());
        for (String spec : m.rememberAs().split(",")) {
            if (spec.isEmpty()) {
                continue;
            }
            int hash = spec.lastIndexOf('#');
            ListKey key;
            if (hash < 0) {
                key = new ListKey(spec, null, null);
            } else {
                String field = spec.substring(hash + 1);
                String value = value(e, field);
                if (value == null) {
                    continue;
                }
                key = new ListKey(spec.substring(0, hash), field, value);
            }
            Deque<Entry> list = lists.computeIfAbsent(key, k -> new ArrayDeque<>());
            list.addLast(entry);
            order.addLast(new Placed(list, key, entry));
            if (list.size() > MAX_PER_LIST) {
                list.removeFirst();
            }
        }
        // drop what is too old for any window, and the oldest beyond the bound
        while (!order.isEmpty() && (order.peekFirst().entry().timestamp() < e.timestamp() - MAX_AGE_MILLIS || order.size() > MAX_ENTRIES)) {
            Placed p = order.removeFirst();
            if (p.list().peekFirst() == p.entry()) {
                p.list().removeFirst();
            }
            if (p.list().isEmpty()) {
                lists.remove(p.key(), p.list());
            }
        }
    }

    /** The alerts remembered under {@code key} (all of them, or those whose {@code field} is {@code value}), newest first. */
    Iterator<Entry> newestFirst(String key, String field, String value) {
        Deque<Entry> list = lists.get(new ListKey(key, field, value));
        return list == null ? Collections.emptyIterator() : list.descendingIterator();
    }

    /** {@code if_fts}: true when {@code key} was never seen by this stream (or was forgotten by the bound). */
    boolean unseen(String key) {
        return !seen.contains(key);
    }

    /** Records {@code key} as seen. */
    void see(String key) {
        if (seen.add(key) && seen.size() > MAX_FTS_KEYS) {
            java.util.Iterator<String> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** A correlated field of an event: a decoded field, or {@code @user} / {@code @location}. */
    static String value(OssecEvent e, String field) {
        return switch (field) {
            case "@user" -> e.user();
            case "@location" -> e.location();
            default -> e.field(field);
        };
    }

    static String value(Entry h, String field) {
        return switch (field) {
            case "@user" -> h.user();
            case "@location" -> h.location();
            default -> h.fields().get(field);
        };
    }

    /** Alerts remembered now, over all lists (an alert under two keys counts twice). */
    public int size() {
        return order.size();
    }
}
