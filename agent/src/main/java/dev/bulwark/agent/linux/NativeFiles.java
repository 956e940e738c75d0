package dev.bulwark.agent.linux;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * File-system calls by raw byte path, through Java's foreign function API: {@code statx},
 * directory reading, {@code readlink}, extended attributes and hashing through a descriptor opened
 * with {@code O_NONBLOCK|O_NOFOLLOW} (a FIFO or device swapped in after the type check is never
 * read, a symlink swapped in is never followed). Paths are byte arrays because Linux file names
 * are bytes: names that are not UTF-8, or hold newlines, are read and reported exactly.
 *
 * <p>Every call fails with {@link NativeFileException} carrying the {@code errno}; nothing here
 * keeps a descriptor open past the call that opened it.
 */
public final class NativeFiles {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_NOCTTY = 0x100;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_DIRECTORY = "aarch64".equals(System.getProperty("os.arch")) ? 0x4000 : 0x10000;
    private static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0x8000 : 0x20000;
    private static final int ENODATA = 61;
    private static final int ERANGE = 34;
    private static final int EINTR = 4;
    private static final int ENOTSUP = 95;

    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, C_POINTER));
    static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle GETDENTS = downcall("getdents64",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_LONG));
    private static final int READ_CHUNK = 256 * 1024;

    /*
     * The calls below are linked on first use, each group in a holder class: linking a downcall
     * spins classes (about 15 ms each on this machine), and an unchanged integrity check needs
     * none of them (only statx, open, getdents64 and close).
     */

    /** {@code read} and {@code pread} straight into Java arrays. */
    private static final class Reads {
        /**
         * {@code read} straight into a Java array: a critical downcall may take a heap segment, which
         * saves the copy out of a native buffer (SHA-256 measured at 71-84 % of OpenSSL's speed on one
         * core this way, 57 % with the copy; docs/benchmarks.md). Reads are bounded to
         * {@link #READ_CHUNK} bytes so the call stays short, as critical calls must.
         */
        static final MethodHandle READ_INTO_ARRAY = LINKER.downcallHandle(LIBC.find("read").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
        /** {@code pread} into a Java array, like {@link #READ_INTO_ARRAY}: the scanner reads files whole into a reused buffer. */
        static final MethodHandle PREAD_INTO_ARRAY = LINKER.downcallHandle(LIBC.find("pread").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
    }

    private static final class Links {
        static final MethodHandle READLINK = downcall("readlink",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, C_POINTER, C_POINTER, ValueLayout.JAVA_LONG));
    }

    private static final class Xattrs {
        static final MethodHandle LLISTXATTR = downcall("llistxattr",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, C_POINTER, C_POINTER, ValueLayout.JAVA_LONG));
        static final MethodHandle LGETXATTR = downcall("lgetxattr",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, C_POINTER, C_POINTER, C_POINTER, ValueLayout.JAVA_LONG));
    }

    private static final class Names {
        static final MethodHandle GETPWUID = LINKER.downcallHandle(LIBC.find("getpwuid").orElseThrow(),
                FunctionDescriptor.of(C_POINTER, ValueLayout.JAVA_INT));
        static final MethodHandle GETGRGID = LINKER.downcallHandle(LIBC.find("getgrgid").orElseThrow(),
                FunctionDescriptor.of(C_POINTER, ValueLayout.JAVA_INT));
    }

    /** Upper bounds on what one entry may make us hold in memory. */
    private static final int MAX_XATTR_NAMES = 64 * 1024;
    private static final int MAX_XATTR_VALUE = 64 * 1024;
    private static final int MAX_LINK_TARGET = 4096;

    private static final Map<Integer, String> USERS = new HashMap<>();
    private static final Map<Integer, String> GROUPS = new HashMap<>();

    private NativeFiles() {
    }

    /**
     * Native buffers one thread reuses for every call: no allocation per file (a walk makes two or
     * three calls per entry, and a fresh arena each time cost more than the calls themselves).
     */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment state = arena.allocate(CALL_STATE);
        final MemorySegment statx = arena.allocate(256, 8);
        final MemorySegment dirents = arena.allocate(64 * 1024, 8);
        final MemorySegment linkTarget = arena.allocate(MAX_LINK_TARGET);
        MemorySegment xattrNames;
        MemorySegment xattrValue;
        private MemorySegment path = arena.allocate(4096);

        /** {@code p} as a C string in this thread's path buffer. */
        MemorySegment path(byte[] p) {
            if (p.length + 1L > path.byteSize()) {
                path = arena.allocate(p.length + 1L);
            }
            MemorySegment.copy(p, 0, path, ValueLayout.JAVA_BYTE, 0, p.length);
            path.set(ValueLayout.JAVA_BYTE, p.length, (byte) 0);
            return path;
        }
    }

    private static final MemorySegment EMPTY_STRING = Arena.global().allocate(1);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A libc function that reports errno through the call-state segment passed first. */
    static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name)),
                fd, Linker.Option.captureCallState("errno"));
    }

    /** What {@code statx} says about one entry. Times are epoch nanoseconds. */
    public record Stat(int mode, int uid, int gid, long size, long inode, long device, int links, long mtime, long ctime) {
        public static final int S_IFMT = 0170000;

        public int format() {
            return mode & S_IFMT;
        }

        public boolean isDirectory() {
            return format() == 0040000;
        }

        public boolean isRegular() {
            return format() == 0100000;
        }

        public boolean isSymlink() {
            return format() == 0120000;
        }

        /** Same file with the same recorded content: content need not be read again. */
        public boolean sameContentStamp(Stat o) {
            return o != null && inode == o.inode && device == o.device && size == o.size && mtime == o.mtime && ctime == o.ctime;
        }
    }

    /** A system call failed; {@link #errno()} says why. */
    public static final class NativeFileException extends IOException {
        private final int errno;

        NativeFileException(String call, byte[] path, int errno) {
            super(call + "(" + printable(path) + "): " + describe(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }

        /** The path with every byte outside printable ASCII escaped: a message stays one line. */
        private static String printable(byte[] path) {
            StringBuilder sb = new StringBuilder(path.length);
            for (byte b : path) {
                int c = Byte.toUnsignedInt(b);
                if (c >= 0x20 && c < 0x7f && c != '\\') {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            return sb.toString();
        }

        /** The entry is gone (ENOENT, ENOTDIR): it vanished between listing and reading. */
        public boolean vanished() {
            return errno == 2 || errno == 20;
        }
    }

    /** {@code statx} of a path; {@code follow} says whether a final symlink is followed. */
    public static Stat stat(byte[] path, boolean follow) throws NativeFileException {
        try {
            Scratch sc = SCRATCH.get();
            MemorySegment state = sc.state;
            MemorySegment buf = sc.statx;
            int rc = (int) STATX.invokeExact(state, AT_FDCWD, sc.path(path), follow ? 0 : AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
            if (rc != 0) {
                throw new NativeFileException("statx", path, errno(state));
            }
            return readStatx(buf);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Stat readStatx(MemorySegment b) {
        int links = b.get(ValueLayout.JAVA_INT, 16);
        int uid = b.get(ValueLayout.JAVA_INT, 20);
        int gid = b.get(ValueLayout.JAVA_INT, 24);
        int mode = Short.toUnsignedInt(b.get(ValueLayout.JAVA_SHORT, 28));
        long ino = b.get(ValueLayout.JAVA_LONG, 32);
        long size = b.get(ValueLayout.JAVA_LONG, 40);
        long ctime = b.get(ValueLayout.JAVA_LONG, 96) * 1_000_000_000L + Integer.toUnsignedLong(b.get(ValueLayout.JAVA_INT, 104));
        long mtime = b.get(ValueLayout.JAVA_LONG, 112) * 1_000_000_000L + Integer.toUnsignedLong(b.get(ValueLayout.JAVA_INT, 120));
        long devMajor = Integer.toUnsignedLong(b.get(ValueLayout.JAVA_INT, 136));
        long devMinor = Integer.toUnsignedLong(b.get(ValueLayout.JAVA_INT, 140));
        return new Stat(mode, uid, gid, size, ino, devMajor << 32 | devMinor, links, mtime, ctime);
    }

    /** {@code d_type} values of a directory entry. */
    public static final int DT_UNKNOWN = 0;
    public static final int DT_DIR = 4;
    public static final int DT_LNK = 10;

    /** One directory entry: its name and the type the directory records for it ({@code DT_*}, may be {@link #DT_UNKNOWN}). */
    public record Dirent(byte[] name, int type) {
    }

    /** A directory's entries (without "." and ".."), sorted by unsigned bytes of their names. */
    public static List<Dirent> list(byte[] dir) throws NativeFileException {
        try {
            Scratch sc = SCRATCH.get();
            MemorySegment state = sc.state;
            int fd = (int) OPEN.invokeExact(state, sc.path(dir), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
            if (fd < 0) {
                throw new NativeFileException("open", dir, errno(state));
            }
            List<Dirent> names = new ArrayList<>();
            try {
                MemorySegment buf = sc.dirents;
                while (true) {
                    long n = (long) GETDENTS.invokeExact(state, fd, buf, buf.byteSize());
                    if (n < 0) {
                        int err = errno(state);
                        if (err == EINTR) {
                            continue;
                        }
                        throw new NativeFileException("getdents64", dir, err);
                    }
                    if (n == 0) {
                        break;
                    }
                    for (long off = 0; off < n; ) {
                        int reclen = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, off + 16));
                        int type = Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, off + 18));
                        long nameStart = off + 19;
                        long nameEnd = nameStart;
                        while (nameEnd < off + reclen && buf.get(ValueLayout.JAVA_BYTE, nameEnd) != 0) {
                            nameEnd++;
                        }
                        byte[] name = buf.asSlice(nameStart, nameEnd - nameStart).toArray(ValueLayout.JAVA_BYTE);
                        if (!(name.length == 1 && name[0] == '.') && !(name.length == 2 && name[0] == '.' && name[1] == '.')) {
                            names.add(new Dirent(name, type));
                        }
                        off += reclen;
                    }
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
            names.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
            return names;
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The target of a symbolic link, as bytes (at most 4096). */
    public static byte[] readLink(byte[] path) throws NativeFileException {
        try {
            Scratch sc = SCRATCH.get();
            MemorySegment state = sc.state;
            MemorySegment buf = sc.linkTarget;
            long n = (long) Links.READLINK.invokeExact(state, sc.path(path), buf, (long) MAX_LINK_TARGET);
            if (n < 0) {
                throw new NativeFileException("readlink", path, errno(state));
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Every extended attribute of the entry itself (not a symlink's target), in all namespaces the
     * caller may read ({@code security.*}, {@code system.posix_acl_*}, {@code trusted.*} as root,
     * {@code user.*}), by name. Empty when the file system does not support them.
     */
    public static TreeMap<String, byte[]> xattrs(byte[] path) throws NativeFileException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try {
            Scratch sc = SCRATCH.get();
            MemorySegment state = sc.state;
            MemorySegment cpath = sc.path(path);
            long size = (long) Xattrs.LLISTXATTR.invokeExact(state, cpath, MemorySegment.NULL, 0L);
            if (size < 0) {
                int err = errno(state);
                if (err == ENOTSUP) {
                    return out;
                }
                throw new NativeFileException("llistxattr", path, err);
            }
            if (size == 0) {
                return out;
            }
            size = Math.min(size, MAX_XATTR_NAMES);
            if (sc.xattrNames == null) {
                sc.xattrNames = sc.arena.allocate(MAX_XATTR_NAMES);
                sc.xattrValue = sc.arena.allocate(MAX_XATTR_VALUE);
            }
            MemorySegment names = sc.xattrNames;
            long n = (long) Xattrs.LLISTXATTR.invokeExact(state, cpath, names, size);
            if (n < 0) {
                int err = errno(state);
                if (err == ERANGE) {
                    // Grew in between; report what a second look finds next time.
                    return out;
                }
                throw new NativeFileException("llistxattr", path, err);
            }
            MemorySegment value = sc.xattrValue;
            long start = 0;
            for (long i = 0; i < n; i++) {
                if (names.get(ValueLayout.JAVA_BYTE, i) == 0) {
                    if (i > start) {
                        MemorySegment name = names.asSlice(start, i - start + 1);
                        long len = (long) Xattrs.LGETXATTR.invokeExact(state, cpath, name, value, (long) MAX_XATTR_VALUE);
                        String key = new String(names.asSlice(start, i - start).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
                        if (len >= 0) {
                            out.put(key, value.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
                        } else if (errno(state) == ERANGE) {
                            out.put(key, digestMarker(key));
                        } else if (errno(state) != ENODATA) {
                            throw new NativeFileException("lgetxattr", path, errno(state));
                        }
                    }
                    start = i + 1;
                }
            }
            return out;
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static byte[] digestMarker(String name) {
        return ("<more than " + MAX_XATTR_VALUE + " bytes>").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Reusable state for hashing on one thread. */
    public static final class Hasher implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment state = arena.allocate(CALL_STATE);
        private final MemorySegment statBuf = arena.allocate(256, 8);
        private final byte[] heap = new byte[READ_CHUNK];
        private final MemorySegment heapSegment = MemorySegment.ofArray(heap);
        private final MessageDigest sha256;

        /** A SHA-256 hasher. */
        public Hasher() {
            this("SHA-256");
        }

        /** A hasher with another digest ({@code MD5} to compare with dpkg's records). */
        public Hasher(String algorithm) {
            try {
                sha256 = MessageDigest.getInstance(algorithm);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The outcome of reading one regular file: its SHA-256 and the descriptor's stat before and
         * after reading; when the two differ the file changed while it was read.
         */
        public record Digest(byte[] sha256, Stat stat, Stat after) {
            public boolean stable() {
                return stat.sameContentStamp(after);
            }
        }

        /**
         * SHA-256 of a regular file. The file is opened without following a symlink and without
         * blocking; anything other than a regular file at open time is refused, never read.
         */
        public Digest sha256(byte[] path) throws NativeFileException {
            try {
                int fd = (int) OPEN.invokeExact(state, SCRATCH.get().path(path), O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
                if (fd < 0) {
                    throw new NativeFileException("open", path, errno(state));
                }
                try {
                    int rc = (int) STATX.invokeExact(state, fd, EMPTY_STRING, AT_EMPTY_PATH, STATX_BASIC_STATS, statBuf);
                    if (rc != 0) {
                        throw new NativeFileException("statx", path, errno(state));
                    }
                    Stat st = readStatx(statBuf);
                    if (!st.isRegular()) {
                        throw new NativeFileException("open (not a regular file any more)", path, 0);
                    }
                    sha256.reset();
                    int interrupted = 0;
                    while (true) {
                        long n = (long) Reads.READ_INTO_ARRAY.invokeExact(fd, heapSegment, (long) READ_CHUNK);
                        if (n < 0) {
                            // A critical call cannot capture errno; a regular file only fails a read
                            // for EINTR (retried) or an I/O error.
                            if (++interrupted < 3) {
                                continue;
                            }
                            throw new NativeFileException("read", path, 5);
                        }
                        if (n == 0) {
                            break;
                        }
                        sha256.update(heap, 0, (int) n);
                    }
                    rc = (int) STATX.invokeExact(state, fd, EMPTY_STRING, AT_EMPTY_PATH, STATX_BASIC_STATS, statBuf);
                    if (rc != 0) {
                        throw new NativeFileException("statx", path, errno(state));
                    }
                    return new Digest(sha256.digest(), st, readStatx(statBuf));
                } finally {
                    int ignored = (int) CLOSE.invokeExact(state, fd);
                }
            } catch (NativeFileException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** {@code mmap} and {@code munmap}, linked on first use (see {@link Reads}). */
    private static final class Maps {
        static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(C_POINTER, C_POINTER, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, C_POINTER, ValueLayout.JAVA_LONG));
    }
    private static final int PROT_READ = 1;
    private static final int MAP_PRIVATE = 2;

    /**
     * A regular file opened for reading by a scanner: opened without following a final symlink and
     * without blocking, then checked through its descriptor, so a FIFO or device swapped in after a
     * directory listing is never read (it is refused with the {@link Stat} it has). The descriptor
     * may also come from the kernel (a fanotify event). {@link #map()} maps it read-only.
     */
    public static final class OpenedFile implements AutoCloseable {
        private final int fd;
        private final Stat stat;
        private final boolean owned;
        private MemorySegment mapped;
        private long mappedSize;

        private OpenedFile(int fd, Stat stat, boolean owned) {
            this.fd = fd;
            this.stat = stat;
            this.owned = owned;
        }

        /** Opens {@code path}; a non-regular file is refused with an exception naming its type. */
        public static OpenedFile open(byte[] path) throws NativeFileException {
            try {
                Scratch sc = SCRATCH.get();
                int fd = (int) OPEN.invokeExact(sc.state, sc.path(path), O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
                if (fd < 0) {
                    throw new NativeFileException("open", path, errno(sc.state));
                }
                try {
                    return new OpenedFile(fd, fstat(fd, path), true);
                } catch (NativeFileException e) {
                    int ignored = (int) CLOSE.invokeExact(sc.state, fd);
                    throw e;
                }
            } catch (NativeFileException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** Wraps a descriptor someone else owns (and closes). */
        public static OpenedFile borrow(int fd) throws NativeFileException {
            return new OpenedFile(fd, fstat(fd, ("fd " + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII)), false);
        }

        public Stat stat() {
            return stat;
        }

        public int fd() {
            return fd;
        }

        /**
         * Reads the file from its start into {@code dst} (at most {@code dst.length} bytes); returns
         * how many bytes were read (fewer than its size when it shrank meanwhile).
         */
        public int readInto(byte[] dst) throws NativeFileException {
            try {
                MemorySegment heap = MemorySegment.ofArray(dst);
                long done = 0;
                int interrupted = 0;
                while (done < dst.length) {
                    long n = (long) Reads.PREAD_INTO_ARRAY.invokeExact(fd, heap.asSlice(done), Math.min((long) READ_CHUNK * 16, dst.length - done), done);
                    if (n < 0) {
                        if (++interrupted < 3) {
                            continue;
                        }
                        throw new NativeFileException("pread", ("fd " + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII), 5);
                    }
                    if (n == 0) {
                        break;
                    }
                    done += n;
                }
                return (int) done;
            } catch (NativeFileException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** Each thread's read buffer for {@link #digest}: a decision per exec must not allocate (and zero) a megabyte. */
        private static final ThreadLocal<byte[]> DIGEST_CHUNK = ThreadLocal.withInitial(() -> new byte[1 << 20]);

        /** SHA-256 of the whole file, read through this descriptor in 1 MiB steps. */
        public byte[] sha256() throws NativeFileException {
            return digest("SHA-256");
        }

        /** The whole file's digest with a JDK algorithm ({@code SHA-256}, {@code MD5}), read through this descriptor in 1 MiB steps. */
        public byte[] digest(String algorithm) throws NativeFileException {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance(algorithm);
                byte[] chunk = DIGEST_CHUNK.get();
                MemorySegment heap = MemorySegment.ofArray(chunk);
                long at = 0;
                while (true) {
                    long n = (long) Reads.PREAD_INTO_ARRAY.invokeExact(fd, heap, (long) chunk.length, at);
                    if (n < 0) {
                        throw new NativeFileException("pread", ("fd " + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII), 5);
                    }
                    if (n == 0) {
                        return md.digest();
                    }
                    md.update(chunk, 0, (int) n);
                    at += n;
                }
            } catch (NativeFileException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** The descriptor's stat now (to tell whether the file changed while it was read). */
        public Stat restat() throws NativeFileException {
            return fstat(fd, ("fd " + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }

        /**
         * The whole file mapped read-only (private), valid until {@link #close()}: the caller must not
         * keep the segment, or any view of it, past that. Reading past a truncation made after
         * mapping raises {@link InternalError}; callers report that as a change during the scan.
         */
        public MemorySegment map() throws NativeFileException {
            if (stat.size() == 0) {
                return MemorySegment.NULL.reinterpret(0);
            }
            try {
                Scratch sc = SCRATCH.get();
                MemorySegment addr = (MemorySegment) Maps.MMAP.invokeExact(sc.state, MemorySegment.NULL, stat.size(), PROT_READ, MAP_PRIVATE, fd, 0L);
                if (addr.address() == -1L) {
                    throw new NativeFileException("mmap", ("fd " + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII), errno(sc.state));
                }
                // A segment without a session: no liveness check on every access (they cost the scanner
                // half its time); the mapping is removed in close(), after which nothing may read it.
                mapped = addr;
                mappedSize = stat.size();
                return addr.reinterpret(stat.size());
            } catch (NativeFileException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public void close() {
            if (mapped != null) {
                try {
                    int ignored = (int) Maps.MUNMAP.invokeExact(SCRATCH.get().state, mapped, mappedSize);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                mapped = null;
            }
            if (owned) {
                try {
                    int ignored = (int) CLOSE.invokeExact(SCRATCH.get().state, fd);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }
        }
    }

    private static Stat fstat(int fd, byte[] what) throws NativeFileException {
        try {
            Scratch sc = SCRATCH.get();
            int rc = (int) STATX.invokeExact(sc.state, fd, EMPTY_STRING, AT_EMPTY_PATH, STATX_BASIC_STATS, sc.statx);
            if (rc != 0) {
                throw new NativeFileException("statx", what, errno(sc.state));
            }
            return readStatx(sc.statx);
        } catch (NativeFileException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The user name of a uid, or {@code null} when the system knows none. Cached. */
    public static synchronized String userName(int uid) {
        return USERS.computeIfAbsent(uid, u -> firstStringField(Names.GETPWUID, u));
    }

    /** The group name of a gid, or {@code null}. Cached. */
    public static synchronized String groupName(int gid) {
        return GROUPS.computeIfAbsent(gid, g -> firstStringField(Names.GETGRGID, g));
    }

    private static String firstStringField(MethodHandle lookup, int id) {
        try {
            MemorySegment entry = (MemorySegment) lookup.invokeExact(id);
            if (entry.equals(MemorySegment.NULL)) {
                return null;
            }
            MemorySegment name = entry.reinterpret(C_POINTER.byteSize()).get(C_POINTER, 0);
            return name.equals(MemorySegment.NULL) ? null : name.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }


    /** The C library's name for an errno value, with the number. */
    static String describe(int errno) {
        String name = switch (errno) {
            case 0 -> "changed type";
            case 1 -> "EPERM operation not permitted";
            case 2 -> "ENOENT no such file or directory";
            case 5 -> "EIO input/output error";
            case 13 -> "EACCES permission denied";
            case 20 -> "ENOTDIR not a directory";
            case 21 -> "EISDIR is a directory";
            case 24 -> "EMFILE too many open files";
            case 36 -> "ENAMETOOLONG file name too long";
            case 40 -> "ELOOP too many symbolic links (or a symlink where none is followed)";
            case 6 -> "ENXIO no such device or address";
            default -> "errno " + errno;
        };
        return errno == 0 ? name : name + " (" + errno + ")";
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
