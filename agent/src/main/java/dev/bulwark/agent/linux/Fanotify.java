package dev.bulwark.agent.linux;

import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * fanotify in notification mode with file identifiers ({@code FAN_REPORT_DFID_NAME}): one mark per
 * file system ({@code FAN_MARK_FILESYSTEM}) sees every create, delete, move, write and attribute
 * change on it, whoever makes it, without a watch per directory. Each event names the directory
 * (by handle, resolved to a path with {@code open_by_handle_at}) and the entry's name. Needs
 * {@code CAP_SYS_ADMIN}; {@link #open()} fails with {@code EPERM} otherwise and callers fall back to
 * inotify.
 */
public final class Fanotify implements AutoCloseable {

    public static final long FAN_MODIFY = 0x2;
    public static final long FAN_ATTRIB = 0x4;
    public static final long FAN_CLOSE_WRITE = 0x8;
    public static final long FAN_MOVED_FROM = 0x40;
    public static final long FAN_MOVED_TO = 0x80;
    public static final long FAN_CREATE = 0x100;
    public static final long FAN_DELETE = 0x200;
    public static final long FAN_DELETE_SELF = 0x400;
    public static final long FAN_MOVE_SELF = 0x800;
    public static final long FAN_Q_OVERFLOW = 0x4000;
    public static final long FAN_ONDIR = 0x40000000L;
    private static final long MASK = FAN_MODIFY | FAN_ATTRIB | FAN_CLOSE_WRITE | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_CREATE
            | FAN_DELETE | FAN_DELETE_SELF | FAN_MOVE_SELF | FAN_ONDIR;

    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_REPORT_DIR_FID = 0x400;
    private static final int FAN_REPORT_NAME = 0x800;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_FILESYSTEM = 0x100;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_PATH = 0x200000;
    private static final int O_RDONLY_NONBLOCK = 0x800;
    private static final int AT_FDCWD = -100;
    private static final int POLLIN = 0x1;
    private static final int INFO_DFID_NAME = 2;
    private static final int INFO_DFID = 3;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    private static final MethodHandle INIT = NativeFiles.downcall("fanotify_init",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MARK = NativeFiles.downcall("fanotify_mark", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle OPEN_BY_HANDLE = NativeFiles.downcall("open_by_handle_at",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = NativeFiles.downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL = NativeFiles.downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = NativeFiles.OPEN;
    private static final MethodHandle CLOSE = NativeFiles.CLOSE;
    private static final StructLayout CALL_STATE = NativeFiles.CALL_STATE;

    /**
     * One event: what happened ({@code FAN_*} bits), the directory it happened in and the name of
     * the entry in it ({@code null} when the event is about the directory itself).
     * {@code directory} is {@code null} when the handle could not be resolved (the directory is
     * gone); an overflow has {@link #FAN_Q_OVERFLOW} set and neither.
     */
    public record Event(long mask, byte[] directory, byte[] name) {
        public boolean overflow() {
            return (mask & FAN_Q_OVERFLOW) != 0;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final List<Integer> mountFds = new ArrayList<>();
    private final MemorySegment buffer = arena.allocate(64 * 1024, 8);
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment pollFd = arena.allocate(8, 4);
    private final MemorySegment handle = arena.allocate(4096, 8);

    private Fanotify(int fd) {
        this.fd = fd;
    }


    /** A notification group reporting directory handles and names. */
    public static Fanotify open() throws NativeFileException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int fd = (int) INIT.invokeExact(st, FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DIR_FID | FAN_REPORT_NAME, O_CLOEXEC);
            if (fd < 0) {
                throw new NativeFileException("fanotify_init", "fanotify".getBytes(StandardCharsets.US_ASCII), NativeFiles.errno(st));
            }
            return new Fanotify(fd);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Watches the whole file system that {@code path} is on. */
    public void markFileSystem(byte[] path) throws NativeFileException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cpath = a.allocate(path.length + 1L);
            MemorySegment.copy(path, 0, cpath, ValueLayout.JAVA_BYTE, 0, path.length);
            int rc = (int) MARK.invokeExact(state, fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, MASK, AT_FDCWD, cpath);
            if (rc != 0) {
                throw new NativeFileException("fanotify_mark", path, NativeFiles.errno(state));
            }
            // open_by_handle_at refuses an O_PATH descriptor here (EBADF): a plain read-only one, never blocking.
            int mfd = (int) OPEN.invokeExact(state, cpath, O_RDONLY_NONBLOCK | O_CLOEXEC, 0);
            if (mfd < 0) {
                throw new NativeFileException("open", path, NativeFiles.errno(state));
            }
            mountFds.add(mfd);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for events and hands each to {@code sink}; returns how many. */
    public int poll(int timeoutMillis, Consumer<Event> sink) throws NativeFileException {
        return readEvents(fd, state, pollFd, buffer, timeoutMillis, (off, len, mask) -> {
            int metaLen = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 6));
            sink.accept(decode(off, len, metaLen, mask));
        });
    }

    /** One event's place in the read buffer: its offset, length and mask. */
    interface EventAt {
        void at(long off, int len, long mask) throws Throwable;
    }

    /**
     * Polls a fanotify descriptor, then reads until it would block, handing each whole event (24-byte
     * metadata and what follows) to {@code each}; returns how many. Shared by both fanotify classes.
     */
    static int readEvents(int fd, MemorySegment state, MemorySegment pollFd, MemorySegment buffer, int timeoutMillis, EventAt each)
            throws NativeFileException {
        try {
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, (short) POLLIN);
            pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int ready = (int) POLL.invokeExact(state, pollFd, 1L, timeoutMillis);
            if (ready <= 0) {
                return 0;
            }
            int count = 0;
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n < 0) {
                    int err = NativeFiles.errno(state);
                    if (err == EAGAIN) {
                        return count;
                    }
                    if (err == EINTR) {
                        continue;
                    }
                    throw new NativeFileException("read", "fanotify".getBytes(StandardCharsets.US_ASCII), err);
                }
                for (long off = 0; off + 24 <= n; ) {
                    int len = buffer.get(ValueLayout.JAVA_INT_UNALIGNED, off);
                    if (len < 24 || off + len > n) {
                        break;
                    }
                    each.at(off, len, buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 8));
                    count++;
                    off += len;
                }
            }
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private Event decode(long off, int len, int metaLen, long mask) throws Throwable {
        if ((mask & FAN_Q_OVERFLOW) != 0) {
            return new Event(mask, null, null);
        }
        for (long info = off + metaLen; info + 4 <= off + len; ) {
            int type = Byte.toUnsignedInt(buffer.get(ValueLayout.JAVA_BYTE, info));
            int infoLen = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, info + 2));
            if (infoLen < 4) {
                break;
            }
            if (type == INFO_DFID_NAME || type == INFO_DFID) {
                long fh = info + 4 + 8;
                int handleBytes = buffer.get(ValueLayout.JAVA_INT_UNALIGNED, fh);
                if (handleBytes < 0 || handleBytes > 4000 || fh + 8 + handleBytes > info + infoLen) {
                    return new Event(mask, null, null);
                }
                byte[] name = null;
                if (type == INFO_DFID_NAME) {
                    long start = fh + 8 + handleBytes;
                    long end = start;
                    while (end < info + infoLen && buffer.get(ValueLayout.JAVA_BYTE, end) != 0) {
                        end++;
                    }
                    name = buffer.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE);
                    if (name.length == 1 && name[0] == '.') {
                        name = null;
                    }
                }
                MemorySegment.copy(buffer, fh, handle, 0, 8L + handleBytes);
                return new Event(mask, resolve(), name);
            }
            info += infoLen;
        }
        return new Event(mask, null, null);
    }

    /** The path of the directory whose handle is in {@link #handle}, or {@code null} when it is gone. */
    private byte[] resolve() throws Throwable {
        for (int mfd : mountFds) {
            int dfd = (int) OPEN_BY_HANDLE.invokeExact(state, mfd, handle, O_PATH | O_CLOEXEC);
            if (dfd >= 0) {
                try {
                    byte[] p = NativeFiles.readLink(("/proc/self/fd/" + dfd).getBytes(StandardCharsets.US_ASCII));
                    String s = new String(p, StandardCharsets.ISO_8859_1);
                    return s.endsWith(" (deleted)") ? null : p;
                } finally {
                    int ignored = (int) CLOSE.invokeExact(state, dfd);
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            for (int m : mountFds) {
                int ignored = (int) CLOSE.invokeExact(state, m);
            }
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }
}
