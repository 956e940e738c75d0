package dev.bulwark.manager.reputation;

import com.opencsv.CSVReader;
import com.opencsv.exceptions.CsvException;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores reputation verdicts and answers lookups. */
@Service
public class FileReputation {
    public static final Set<String> VERDICTS = Set.of("malicious", "known-good");
    public static final int MAX_LOOKUP = 1_000;
    static final int MAX_IMPORT_ROWS = 1_000_000;

    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final Clock clock;

    public FileReputation(JdbcTemplate jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** One answer: {@code malicious}, {@code known-good} or {@code unknown}, with the name the data gives. */
    public record Verdict(String sha256, String verdict, String name) {
    }

    static boolean isSha256(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Answers up to {@value #MAX_LOOKUP} hashes (lower-case hex), in the order asked. */
    public List<Verdict> lookup(List<String> hashes) {
        if (hashes == null || hashes.isEmpty()) {
            return List.of();
        }
        if (hashes.size() > MAX_LOOKUP) {
            throw new ApiException(413, "too-many-hashes", "sha256", "at most " + MAX_LOOKUP + " hashes per lookup");
        }
        for (int i = 0; i < hashes.size(); i++) {
            if (!isSha256(hashes.get(i))) {
                throw ApiException.badRequest("bad-hash", "sha256[" + i + "]", "a SHA-256 is 64 lower-case hex digits");
            }
        }
        Map<String, Verdict> known = new HashMap<>();
        String marks = String.join(",", java.util.Collections.nCopies(hashes.size(), "?"));
        jdbc.query("select sha256, verdict, name from file_reputation where sha256 in (" + marks + ")",
                rs -> {
                    known.put(rs.getString(1), new Verdict(rs.getString(1), rs.getString(2), rs.getString(3)));
                }, hashes.toArray());
        List<Verdict> out = new ArrayList<>(hashes.size());
        for (String h : hashes) {
            out.add(known.getOrDefault(h, new Verdict(h, "unknown", "")));
        }
        return out;
    }

    /**
     * Imports {@code sha256,verdict,name} rows (a header line is allowed). The whole file is checked
     * first; one bad row refuses the import naming its line, and nothing changes.
     */
    @Transactional
    public int importCsv(String actor, String source, String csv) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        try (CSVReader r = new CSVReader(new StringReader(csv))) {
            String[] row;
            int line = 0;
            while ((row = r.readNext()) != null) {
                line++;
                if (line == 1 && row.length > 0 && row[0].strip().equalsIgnoreCase("sha256")) {
                    continue;
                }
                if (row.length == 1 && row[0].isBlank()) {
                    continue;
                }
                if (rows.size() >= MAX_IMPORT_ROWS) {
                    throw new ApiException(413, "too-many-rows", null, "at most " + MAX_IMPORT_ROWS + " rows per import");
                }
                String h = row[0].strip().toLowerCase(Locale.ROOT);
                String v = row.length > 1 ? row[1].strip().toLowerCase(Locale.ROOT) : "";
                String n = row.length > 2 ? row[2].strip() : "";
                if (!isSha256(h)) {
                    throw ApiException.badRequest("bad-hash", "line " + line, "line " + line + ": the first column is a SHA-256 (64 hex digits)");
                }
                if (!VERDICTS.contains(v)) {
                    throw ApiException.badRequest("bad-verdict", "line " + line, "line " + line + ": the verdict is malicious or known-good");
                }
                if (n.length() > 200 || n.chars().anyMatch(Character::isISOControl)) {
                    throw ApiException.badRequest("bad-name", "line " + line, "line " + line + ": a name has at most 200 printable characters");
                }
                rows.put(h, new String[] {h, v, n});
            }
        } catch (IOException | CsvException e) {
            throw ApiException.badRequest("bad-csv", null, "not CSV: " + ApiException.firstLine(e.getMessage()));
        }
        String src = source == null || source.isBlank() ? "import" : source.strip();
        if (src.length() > 200) {
            throw ApiException.badRequest("bad-source", "source", "a source has at most 200 characters");
        }
        Timestamp now = Timestamp.from(clock.instant());
        List<Object[]> deletes = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        for (String[] r : rows.values()) {
            deletes.add(new Object[] {r[0]});
            inserts.add(new Object[] {r[0], r[1], r[2], src, now});
        }
        jdbc.batchUpdate("delete from file_reputation where sha256 = ?", deletes);
        jdbc.batchUpdate("insert into file_reputation (sha256, verdict, name, source, updated_at) values (?, ?, ?, ?, ?)", inserts);
        audit.record(actor, "reputation.import", "reputation/" + src, null, rows.size() + " hashes");
        return rows.size();
    }
}
