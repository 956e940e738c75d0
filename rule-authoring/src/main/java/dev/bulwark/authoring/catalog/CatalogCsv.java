package dev.bulwark.authoring.catalog;

import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.CSVWriter;
import com.opencsv.RFC4180ParserBuilder;
import com.opencsv.exceptions.CsvException;
import com.opencsv.exceptions.CsvMalformedLineException;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalog as CSV: one row per rule, every field of {@link CatalogRule}, so an export read back
 * gives the same entries. List cells (CVEs, tags, assignments) hold one value per line. A cell
 * that a spreadsheet would run as a formula (starting with {@code = + - @}, a tab or a carriage
 * return) or that starts with an apostrophe is written with one leading apostrophe, which reading
 * removes: safe to open, and still lossless.
 */
public final class CatalogCsv {

    public static final List<String> COLUMNS = List.of("id", "title", "description", "module", "severity", "cves", "cvss", "application",
            "tags", "status", "source", "version", "caseCount", "assignedTo", "path", "drl");

    /** A row that could not be read: its line in the file, the column and why. */
    public record RowProblem(long line, String column, String message) {
        @Override
        public String toString() {
            return "line " + line + (column == null ? "" : ", column " + column) + ": " + message;
        }
    }

    /** Rules read, and rows refused (each refused row is left out; the others are kept). */
    public record Read(List<CatalogRule> rules, List<RowProblem> problems) {
    }

    private CatalogCsv() {
    }

    /** Writes and flushes; {@code out} stays open (it may be a zip entry or standard output). */
    @SuppressWarnings("resource") // closing the CSVWriter would close out
    public static void write(List<CatalogRule> rules, Writer out) throws IOException {
        CSVWriter w = new CSVWriter(out);
        w.writeNext(COLUMNS.toArray(String[]::new), false);
        for (CatalogRule r : rules) {
            for (String element : concat(r.cves(), r.tags(), r.assignedTo())) {
                if (element.contains("\n") || element.contains("\r")) {
                    throw new IOException(r.id() + ": a list value contains a line break and cannot be written losslessly: " + element);
                }
            }
            w.writeNext(Arrays.stream(new String[] {r.id(), r.title(), r.description(), r.module(), r.severity(), String.join("\n", r.cves()),
                    r.cvss() == null ? "" : r.cvss().toString(), r.application(), String.join("\n", r.tags()), r.status(), r.source(),
                    Integer.toString(r.version()), Integer.toString(r.caseCount()), String.join("\n", r.assignedTo()), r.path(), r.drl()})
                    .map(CatalogCsv::defang).toArray(String[]::new), true);
        }
        w.flush();
        if (w.checkError()) {
            throw new IOException("writing the catalog CSV failed");
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }

    public static Read read(Reader in) throws IOException {
        List<CatalogRule> rules = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        // RFC 4180 quoting only: OpenCSV's default parser would take backslashes (in DRL regexes) as escapes
        try (CSVReader r = new CSVReaderBuilder(in).withCSVParser(new RFC4180ParserBuilder().build()).withKeepCarriageReturn(true)
                .withMultilineLimit(100_000).build()) {
            String[] header = r.readNext();
            if (header == null) {
                problems.add(new RowProblem(1, null, "empty file; the first row names the columns: " + String.join(",", COLUMNS)));
                return new Read(rules, problems);
            }
            List<String> names = Arrays.stream(header).map(String::strip).toList();
            if (!names.equals(COLUMNS)) {
                problems.add(new RowProblem(1, null, "the header must be exactly " + String.join(",", COLUMNS) + "; found " + String.join(",", names)));
                return new Read(rules, problems);
            }
            Set<String> seen = new HashSet<>();
            String[] row;
            long line = r.getLinesRead();
            while ((row = r.readNext()) != null) {
                long at = line + 1;
                line = r.getLinesRead();
                if (row.length == 1 && row[0].isBlank()) {
                    continue;
                }
                if (row.length != COLUMNS.size()) {
                    problems.add(new RowProblem(at, null, row.length + " cells; every row has " + COLUMNS.size()));
                    continue;
                }
                String[] v = Arrays.stream(row).map(CatalogCsv::revive).toArray(String[]::new);
                try {
                    CatalogRule rule = parse(v);
                    if (!seen.add(rule.id())) {
                        problems.add(new RowProblem(at, "id", rule.id() + " appears twice; the first row is kept"));
                        continue;
                    }
                    rules.add(rule);
                } catch (RowException e) {
                    problems.add(new RowProblem(at, e.column, e.getMessage()));
                }
            }
        } catch (CsvMalformedLineException e) {
            problems.add(new RowProblem(e.getLineNumber(), null, "not readable as CSV (rows from here on are not imported): "
                    + e.getMessage().lines().findFirst().orElse("")));
        } catch (CsvException e) {
            problems.add(new RowProblem(e.getLineNumber(), null, "not readable as CSV (rows from here on are not imported): " + e.getMessage()));
        }
        return new Read(rules, problems);
    }

    private static final class RowException extends Exception {
        final String column;

        RowException(String column, String message) {
            super(message);
            this.column = column;
        }
    }

    private static CatalogRule parse(String[] v) throws RowException {
        String id = v[0];
        if (!KnowledgeBaseCompiler.ID_FORMAT.matcher(id).matches()) {
            throw new RowException("id", "'" + id + "' is not an id of the form PREFIX-NAME-0001");
        }
        // empty is kept as missing (the catalog holds rules that lint would still refuse); a value must be valid
        try {
            if (!v[3].isEmpty()) {
                ProtectionModule.fromId(v[3]);
            }
        } catch (IllegalArgumentException e) {
            throw new RowException("module", e.getMessage());
        }
        try {
            if (!v[4].isEmpty()) {
                Severity.parse(v[4]);
            }
        } catch (IllegalArgumentException e) {
            throw new RowException("severity", e.getMessage());
        }
        Double cvss = null;
        if (!v[6].isEmpty()) {
            try {
                cvss = Double.valueOf(v[6]);
            } catch (NumberFormatException e) {
                throw new RowException("cvss", "'" + v[6] + "' is not a number");
            }
            if (cvss < 0 || cvss > 10 || cvss.isNaN()) {
                throw new RowException("cvss", cvss + " is outside 0.0-10.0");
            }
        }
        if (!v[9].equals(CatalogRule.PREVENT) && !v[9].equals(CatalogRule.DETECT_ONLY)) {
            throw new RowException("status", "'" + v[9] + "' is neither " + CatalogRule.PREVENT + " nor " + CatalogRule.DETECT_ONLY);
        }
        return new CatalogRule(id, v[1], v[2], v[3].isEmpty() ? null : v[3], v[4].isEmpty() ? null : v[4], list(v[5]), cvss, v[7].isEmpty() ? null : v[7], list(v[8]), v[9], v[10].isEmpty() ? null : v[10],
                integer("version", v[11]), v[15], integer("caseCount", v[12]), list(v[13]), v[14].isEmpty() ? null : v[14]);
    }

    private static int integer(String column, String s) throws RowException {
        try {
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new RowException(column, n + " is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RowException(column, "'" + s + "' is not a whole number");
        }
    }

    private static List<String> list(String cell) {
        return cell.isEmpty() ? List.of() : List.of(cell.split("\n", -1));
    }

    /** A cell a spreadsheet would run as a formula, defused with a leading apostrophe (shared by every CSV export). */
    public static String defang(String cell) {
        if (cell == null) {
            return "";
        }
        if (!cell.isEmpty() && "=+-@\t\r'".indexOf(cell.charAt(0)) >= 0) {
            return "'" + cell;
        }
        return cell;
    }

    static String revive(String cell) {
        return cell.startsWith("'") ? cell.substring(1) : cell;
    }
}
