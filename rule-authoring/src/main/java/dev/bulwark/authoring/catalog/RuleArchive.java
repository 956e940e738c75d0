package dev.bulwark.authoring.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rules as a zip: {@code SOURCE/PATH.drl} and the {@code .cases.yaml} beside each, plus
 * {@code catalog.csv}. Unpacking treats the archive as hostile: only those names (no absolute
 * paths, no {@code ..}, no hidden files), at most {@link #MAX_ENTRIES} entries, {@link #MAX_ENTRY_BYTES}
 * per entry and {@link #MAX_TOTAL_BYTES} in all, counted while reading rather than trusted from
 * headers, into a directory that must be empty; a refused archive leaves nothing behind.
 */
public final class RuleArchive {

    public static final int MAX_ENTRIES = 20_000;
    public static final long MAX_ENTRY_BYTES = 16L << 20;
    public static final long MAX_TOTAL_BYTES = 256L << 20;
    public static final String CATALOG = "catalog.csv";
    private static final Pattern NAME = Pattern.compile("([a-z0-9][a-z0-9:._-]*/)([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*\\.(drl|cases\\.yaml)");

    /** An archive that will not be unpacked, and why. */
    public static final class RefusedArchive extends IOException {
        public RefusedArchive(String message) {
            super(message);
        }
    }

    private RuleArchive() {
    }

    /** Writes the {@code .drl} and {@code .cases.yaml} files of each source's directories, and the catalog as CSV. */
    public static int write(Map<String, List<Path>> directories, List<CatalogRule> catalog, OutputStream out) throws IOException {
        int files = 0;
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, List<Path>> e : directories.entrySet()) {
                for (Path root : e.getValue()) {
                    try (Stream<Path> walk = Files.walk(root)) {
                        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                            String rel = root.relativize(p).toString().replace('\\', '/');
                            if (!rel.endsWith(".drl") && !rel.endsWith(".cases.yaml")) {
                                continue;
                            }
                            String name = e.getKey() + "/" + rel;
                            if (!NAME.matcher(name).matches()) {
                                throw new IOException(p + ": the name cannot travel in a rules archive (letters, digits, '.', '_', '-' only)");
                            }
                            zip.putNextEntry(new ZipEntry(name));
                            Files.copy(p, zip);
                            zip.closeEntry();
                            files++;
                        }
                    }
                }
            }
            zip.putNextEntry(new ZipEntry(CATALOG));
            java.io.Writer w = new java.io.OutputStreamWriter(zip, StandardCharsets.UTF_8);
            CatalogCsv.write(catalog, w);
            w.flush();
            zip.closeEntry();
        }
        return files;
    }

    /** Unpacks into {@code target} (created; must be empty); returns the files written. */
    public static List<Path> unpack(InputStream in, Path target) throws IOException {
        requireEmpty(target);
        List<Path> written = new ArrayList<>();
        try {
            unpackInto(in, target.toAbsolutePath().normalize(), written);
            return written;
        } catch (IOException | RuntimeException e) {
            for (Path p : written.reversed()) {
                Files.deleteIfExists(p);
            }
            removeEmptyDirectories(target);
            throw e;
        }
    }

    /** Creates {@code dir} when missing; refuses one that holds anything, so nothing is overwritten or mixed in. */
    public static void requireEmpty(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) {
                throw new RefusedArchive(dir + " is not empty; write into a new directory");
            }
        }
    }

    private static void unpackInto(InputStream in, Path target, List<Path> written) throws IOException {
        long total = 0;
        int entries = 0;
        byte[] buf = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new RefusedArchive("more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (!name.equals(CATALOG) && !NAME.matcher(name).matches()) {
                    throw new RefusedArchive("entry '" + printable(name) + "' is not SOURCE/PATH.drl, SOURCE/PATH.cases.yaml or " + CATALOG);
                }
                Path out = target.resolve(name).normalize();
                if (!out.startsWith(target) || Files.exists(out)) {
                    throw new RefusedArchive("entry '" + printable(name) + "' would leave the target directory or appears twice");
                }
                Files.createDirectories(out.getParent());
                long size = 0;
                try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    written.add(out);
                    int n;
                    while ((n = zip.read(buf)) > 0) {
                        size += n;
                        total += n;
                        if (size > MAX_ENTRY_BYTES) {
                            throw new RefusedArchive("entry '" + name + "' expands beyond " + (MAX_ENTRY_BYTES >> 20) + " MB");
                        }
                        if (total > MAX_TOTAL_BYTES) {
                            throw new RefusedArchive("the archive expands beyond " + (MAX_TOTAL_BYTES >> 20) + " MB");
                        }
                        o.write(buf, 0, n);
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new RefusedArchive("not a readable zip: " + e.getMessage());
        }
        if (entries == 0) {
            throw new RefusedArchive("empty or not a zip archive");
        }
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
        return sb.toString();
    }

    private static void removeEmptyDirectories(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root) && Files.isDirectory(p)) {
                    try (Stream<Path> l = Files.list(p)) {
                        if (l.findAny().isEmpty()) {
                            Files.delete(p);
                        }
                    }
                }
            }
        }
    }
}
