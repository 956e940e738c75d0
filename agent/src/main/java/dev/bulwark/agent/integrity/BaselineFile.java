package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.agent.store.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * The baseline on disk: a header with the monitoring plan it was built for, the entries in walk
 * order ({@link RawPaths#compare}), a count and a SHA-256 over everything before it.
 * <pre>
 *   "BULWARK-FIM\n"  int format (1)  bytes plan-json
 *   (byte 1, entry)*  byte 0  long count  byte[32] sha-256
 * </pre>
 * A new baseline is written beside the old one and renamed over it only when complete and
 * synced ({@link Writer#commit}, through {@link AtomicFiles#publish}), so a kill at any moment leaves either the old or the new
 * baseline, never a mix. The reader checks the digest before it returns a single entry: a
 * damaged baseline is refused, never half-used. Entries are streamed both ways, so memory does
 * not grow with the number of files. One pass at a time per store: {@link #lock}.
 */
public final class BaselineFile {

    static final byte[] MAGIC = "BULWARK-FIM\n".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    private static final int MAX_PATH = 1 << 16;
    private static final int MAX_VALUE = 1 << 20;
    private static final int MAX_XATTRS = 4096;

    private BaselineFile() {
    }

    /** The baseline cannot be used: damaged, truncated, or of another format. */
    public static final class BaselineDamagedException extends IOException {
        BaselineDamagedException(Path file, String what) {
            super("baseline " + file + " cannot be used: " + what + "; rebuild it with 'bulwark-agent fim baseline'");
        }
    }

    /**
     * Takes the store's lock ({@code DIR/lock}) for one pass, or says who holds it. Released when
     * the returned channel closes, and by the kernel when the process dies.
     */
    public static FileChannel lock(Path storeDir) throws IOException {
        Files.createDirectories(storeDir);
        FileChannel ch = FileChannel.open(storeDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (ch.tryLock() == null) {
                throw new java.nio.channels.OverlappingFileLockException();
            }
            return ch;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            ch.close();
            throw new IOException("another integrity pass is using " + storeDir + "; wait for it to finish");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a new baseline beside {@code target}; nothing replaces {@code target} before {@link #commit}. */
    public static final class Writer implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final DigestOutputStream digest;
        private final DataOutputStream out;
        private long count;
        private byte[] last;
        private boolean done;

        public Writer(Path target, String planJson) throws IOException {
            this.target = target;
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // A pass killed earlier leaves its unfinished file; the caller holds the store's lock.
            try (var stale = Files.newDirectoryStream(dir, "." + target.getFileName() + "*.tmp")) {
                for (Path p : stale) {
                    Files.deleteIfExists(p);
                }
            }
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            // Buffer before the digest: it then sees 64 KiB blocks, not one call per field.
            digest = new DigestOutputStream(Channels.newOutputStream(channel), sha256());
            out = new DataOutputStream(new BufferedOutputStream(digest, 1 << 16));
            out.write(MAGIC);
            out.writeInt(FORMAT);
            writeBytes(out, planJson.getBytes(StandardCharsets.UTF_8));
        }

        public void write(FileEntry e) throws IOException {
            if (last != null && RawPaths.compare(last, e.path()) >= 0) {
                throw new IllegalStateException("entries out of walk order: " + RawPaths.display(e.path()) + " after " + RawPaths.display(last));
            }
            last = e.path();
            out.writeByte(1);
            writeBytes(out, e.path());
            Stat s = e.stat();
            out.writeInt(s.mode());
            out.writeInt(s.uid());
            out.writeInt(s.gid());
            out.writeLong(s.size());
            out.writeLong(s.inode());
            out.writeLong(s.device());
            out.writeInt(s.links());
            out.writeLong(s.mtime());
            out.writeLong(s.ctime());
            writeString(out, e.owner());
            writeString(out, e.group());
            writeBytes(out, e.sha256());
            writeBytes(out, e.linkTarget());
            out.writeInt(e.xattrs().size());
            for (var x : e.xattrs().entrySet()) {
                writeString(out, x.getKey());
                writeBytes(out, x.getValue());
            }
            writeString(out, e.error());
            count++;
        }

        public long count() {
            return count;
        }

        /** Finishes, syncs and atomically replaces the target. */
        public void commit() throws IOException {
            out.writeByte(0);
            out.writeLong(count);
            out.flush();
            byte[] sum = digest.getMessageDigest().digest();
            digest.on(false);
            out.write(sum);
            out.flush();
            channel.force(true);
            channel.close();
            AtomicFiles.publish(tmp, target);
            done = true;
        }

        /** Without {@link #commit}: drops the new baseline and leaves the old one as it was. */
        @Override
        public void close() throws IOException {
            if (!done) {
                channel.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Reads a baseline in walk order, after checking its digest. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final DataInputStream in;
        private final String planJson;
        private FileEntry next;
        private boolean ended;
        private long read;
        private final long count;

        public Reader(Path file) throws IOException {
            this.file = file;
            count = verify(file);
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            try {
                byte[] magic = in.readNBytes(MAGIC.length);
                if (!Arrays.equals(magic, MAGIC)) {
                    throw new BaselineDamagedException(file, "not a Bulwark baseline");
                }
                int format = in.readInt();
                if (format != FORMAT) {
                    throw new BaselineDamagedException(file, "format " + format + " (this agent reads " + FORMAT + ")");
                }
                planJson = new String(readBytes(in, MAX_VALUE), StandardCharsets.UTF_8);
                advance();
            } catch (EOFException e) {
                in.close();
                throw new BaselineDamagedException(file, "truncated");
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        /** Checks the digest; returns the entry count the trailer records. */
        private static long verify(Path file) throws IOException {
            long size = Files.size(file);
            if (size < MAGIC.length + 4 + 4 + 1 + 8 + 32) {
                throw new BaselineDamagedException(file, "truncated (" + size + " bytes)");
            }
            MessageDigest md = sha256();
            byte[] stored;
            long count = -1;
            try (InputStream raw = Files.newInputStream(file); DigestInputStream d = new DigestInputStream(raw, md)) {
                byte[] buf = new byte[1 << 16];
                long left = size - 32;
                while (left > 0) {
                    int n = d.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new BaselineDamagedException(file, "truncated");
                    }
                    left -= n;
                    if (left == 0 && n >= 8) {
                        count = java.nio.ByteBuffer.wrap(buf, n - 8, 8).getLong();
                    }
                }
                d.on(false);
                stored = d.readNBytes(32);
            }
            if (!MessageDigest.isEqual(stored, md.digest())) {
                throw new BaselineDamagedException(file, "its checksum does not match (damaged or edited)");
            }
            return count;
        }

        /** How many entries the baseline holds (from its trailer; -1 when not known). */
        public long count() {
            return count;
        }

        /** The monitoring plan the baseline was built for. */
        public MonitorPlan plan() throws BaselineDamagedException {
            try {
                return MonitorPlan.fromJson(planJson);
            } catch (IllegalArgumentException e) {
                throw new BaselineDamagedException(file, "its header is not a monitoring plan (" + e.getMessage() + ")");
            }
        }

        public FileEntry peek() {
            return next;
        }

        public FileEntry next() throws IOException {
            FileEntry e = next;
            advance();
            return e;
        }

        private void advance() throws IOException {
            if (ended) {
                next = null;
                return;
            }
            try {
                byte marker = in.readByte();
                if (marker == 0) {
                    long count = in.readLong();
                    if (count != read) {
                        throw new BaselineDamagedException(file, "it says " + count + " entries but holds " + read);
                    }
                    ended = true;
                    next = null;
                    return;
                }
                if (marker != 1) {
                    throw new BaselineDamagedException(file, "unexpected marker " + marker + " after entry " + read);
                }
                byte[] path = readBytes(in, MAX_PATH);
                Stat s = new Stat(in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong(), in.readInt(),
                        in.readLong(), in.readLong());
                String owner = readString(in);
                String group = readString(in);
                byte[] sha = readBytes(in, 32);
                byte[] target = readBytes(in, MAX_PATH);
                int nx = in.readInt();
                if (nx < 0 || nx > MAX_XATTRS) {
                    throw new BaselineDamagedException(file, "entry " + read + " claims " + nx + " extended attributes");
                }
                TreeMap<String, byte[]> xattrs = new TreeMap<>();
                for (int i = 0; i < nx; i++) {
                    xattrs.put(readString(in), readBytes(in, MAX_VALUE));
                }
                String error = readString(in);
                if (path == null || next != null && RawPaths.compare(next.path(), path) >= 0) {
                    throw new BaselineDamagedException(file, "entry " + read + " is out of order");
                }
                next = new FileEntry(path, s, owner, group, sha, target, xattrs, error);
                read++;
            } catch (EOFException e) {
                throw new BaselineDamagedException(file, "truncated after entry " + read);
            } catch (BaselineDamagedException e) {
                throw e;
            } catch (IOException e) {
                throw new BaselineDamagedException(file, "entry " + read + ": " + e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static void writeBytes(OutputStream o, byte[] b) throws IOException {
        DataOutputStream out = (DataOutputStream) o;
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readBytes(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > max) {
            throw new IOException("field of " + n + " bytes (at most " + max + ")");
        }
        return in.readNBytes(n);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in, MAX_VALUE);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
