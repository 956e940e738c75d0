package dev.bulwark.agent.linux;

import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * fanotify in content mode ({@code FAN_CLASS_CONTENT}): events carry an open, read-only descriptor
 * of the file (opened by the kernel without generating events of its own), so a scanner reads
 * exactly the file that was written or is being opened. {@code FAN_CLOSE_WRITE} reports a file
 * after a writer closes it; {@code FAN_OPEN_PERM} holds an {@code open(2)} until {@link #respond}
 * answers allow or deny. Marks are per mount ({@code FAN_MARK_MOUNT}); callers filter by path.
 * When the group's descriptor is closed (the agent dies), the kernel allows every pending and
 * future open: the system stays usable. Needs {@code CAP_SYS_ADMIN}.
 */
public final class FanotifyAccess implements AutoCloseable {

    public static final long FAN_CLOSE_WRITE = 0x8;
    public static final long FAN_OPEN_PERM = 0x10000;
    public static final long FAN_OPEN_EXEC_PERM = 0x40000;
    public static final long FAN_Q_OVERFLOW = 0x4000;
    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_CLASS_CONTENT = 0x4;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_MOUNT = 0x10;
    private static final int FAN_MARK_IGNORED_MASK = 0x20;
    private static final int FAN_MARK_FLUSH = 0x80;
    private static final int FAN_UNLIMITED_MARKS = 0x20;
    private static final int FAN_ALLOW = 0x1;
    private static final int FAN_DENY = 0x2;
    private static final int O_RDONLY_LARGEFILE_CLOEXEC = 0x8000 | 0x80000;
    private static final int AT_FDCWD = -100;

    private static final MethodHandle INIT = NativeFiles.downcall("fanotify_init",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MARK = NativeFiles.downcall("fanotify_mark", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle WRITE = NativeFiles.downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    /**
     * One event: its {@code FAN_*} bits, the descriptor of the file (the receiver closes it with
     * {@link #closeEventFd}, after answering a permission event), and the process that caused it.
     */
    public record Event(long mask, int fd, int pid) {
        public boolean permission() {
            return (mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)) != 0;
        }

        public boolean overflow() {
            return (mask & FAN_Q_OVERFLOW) != 0;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final long mask;
    private final MemorySegment buffer = arena.allocate(32 * 1024, 8);
    private final MemorySegment state = arena.allocate(NativeFiles.CALL_STATE);
    private final MemorySegment pollFd = arena.allocate(8, 4);
    private final List<String> marked = new ArrayList<>();

    private FanotifyAccess(int fd, long mask) {
        this.fd = fd;
        this.mask = mask;
    }

    /** A content group for close-write events, and open permission events when {@code permissions}. */
    public static FanotifyAccess open(boolean permissions) throws NativeFileException {
        return open(FAN_CLOSE_WRITE | (permissions ? FAN_OPEN_PERM : 0));
    }

    /** A content group for the given events ({@code FAN_*} bits of this class). */
    public static FanotifyAccess open(long events) throws NativeFileException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(NativeFiles.CALL_STATE);
            // Unlimited marks: one ignore mark per trusted executable (see ignore); the default limit is 8,192.
            int fd = (int) INIT.invokeExact(st, FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_MARKS, O_RDONLY_LARGEFILE_CLOEXEC);
            if (fd < 0) {
                throw new NativeFileException("fanotify_init", "fanotify".getBytes(StandardCharsets.US_ASCII), NativeFiles.errno(st));
            }
            return new FanotifyAccess(fd, events);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Watches the mount that {@code path} is on. */
    public void markMount(String path) throws NativeFileException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cpath = a.allocate(p.length + 1L);
            MemorySegment.copy(p, 0, cpath, ValueLayout.JAVA_BYTE, 0, p.length);
            mark(FAN_MARK_ADD | FAN_MARK_MOUNT, mask, AT_FDCWD, cpath, p);
            marked.add(path);
        }
    }

    /**
     * Tells the kernel to stop asking about the event's file: an ignore mark on its inode for this
     * group's events, which the kernel drops by itself when the file is next written or truncated
     * (no {@code FAN_MARK_IGNORED_SURV_MODIFY}). Thread-safe; the event's descriptor stays open.
     */
    public void ignore(Event e) throws NativeFileException {
        mark(FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, mask, e.fd(), MemorySegment.NULL, "fanotify ignore mark".getBytes(StandardCharsets.US_ASCII));
    }

    /** Removes every ignore mark {@link #ignore} placed (the mount marks stay): the kernel asks about every file again. */
    public void forgetIgnored() throws NativeFileException {
        mark(FAN_MARK_FLUSH, 0L, AT_FDCWD, MemorySegment.NULL, "fanotify inode marks (flush)".getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code fanotify_mark(2)} on this group; thread-safe (each thread its own errno capture). */
    private void mark(int flags, long events, int dirfd, MemorySegment path, byte[] what) throws NativeFileException {
        try {
            MemorySegment st = SCRATCH.get()[1];
            int rc = (int) MARK.invokeExact(st, fd, flags, events, dirfd, path);
            if (rc != 0) {
                throw new NativeFileException("fanotify_mark", what, NativeFiles.errno(st));
            }
        } catch (NativeFileException x) {
            throw x;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for events and hands each to {@code sink}; returns how many. */
    public int poll(int timeoutMillis, Consumer<Event> sink) throws NativeFileException {
        return Fanotify.readEvents(fd, state, pollFd, buffer, timeoutMillis, (off, len, m) -> sink.accept(
                new Event(m, buffer.get(ValueLayout.JAVA_INT_UNALIGNED, off + 16), buffer.get(ValueLayout.JAVA_INT_UNALIGNED, off + 20))));
    }

    /** Per-thread native buffers for answers and closes: no allocation per event. */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> {
        Arena a = Arena.ofAuto();
        return new MemorySegment[] {a.allocate(8, 4), a.allocate(NativeFiles.CALL_STATE)};
    });

    /** Answers a permission event. Thread-safe; each event must be answered exactly once. */
    public void respond(Event e, boolean allow) throws NativeFileException {
        try {
            MemorySegment[] sc = SCRATCH.get();
            sc[0].set(ValueLayout.JAVA_INT, 0, e.fd());
            sc[0].set(ValueLayout.JAVA_INT, 4, allow ? FAN_ALLOW : FAN_DENY);
            long w = (long) WRITE.invokeExact(sc[1], fd, sc[0], 8L);
            if (w != 8) {
                throw new NativeFileException("write (fanotify response)", "fanotify".getBytes(StandardCharsets.US_ASCII), NativeFiles.errno(sc[1]));
            }
        } catch (NativeFileException x) {
            throw x;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The path an event's descriptor refers to ({@code " (deleted)"} suffix when it is gone). */
    public static String path(Event e) {
        try {
            return new String(NativeFiles.readLink(("/proc/self/fd/" + e.fd()).getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
        } catch (NativeFileException x) {
            return "fd:" + e.fd();
        }
    }

    /** Closes an event's descriptor. */
    public static void closeEventFd(Event e) {
        try {
            int ignored = (int) NativeFiles.CLOSE.invokeExact(SCRATCH.get()[1], e.fd());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public List<String> marked() {
        return List.copyOf(marked);
    }

    /** Closes the group: the kernel allows whatever is still pending. */
    @Override
    public void close() {
        try {
            int ignored = (int) NativeFiles.CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
