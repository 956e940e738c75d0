package dev.bulwark.authoring.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One rule as the catalog knows it: its metadata, its DRL text and how well it is covered.
 *
 * @param description free text: {@code @description}, or the comment block written above the rule
 * @param status      {@link #PREVENT} when the rule can decide to block, quarantine or delete, else {@link #DETECT_ONLY}
 * @param source      where the rule comes from: {@code built-in}, {@code organisation}, {@code imported:ossec} ...
 * @param version     1 when first indexed; the catalog adds one whenever the content changes
 * @param caseCount   the cases in the rule's {@code .cases.yaml} that expect it to fire
 * @param assignedTo  the policies (or computers) the rule is assigned to, as the manager reports them
 * @param path        the DRL file, relative to its rules root, and the rule's line
 */
public record CatalogRule(String id, String title, String description, String module, String severity,
                          List<String> cves, Double cvss, String application, List<String> tags, String status,
                          String source, int version, String drl, int caseCount, List<String> assignedTo, String path) {

    public static final String PREVENT = "prevent";
    public static final String DETECT_ONLY = "detect-only";

    public CatalogRule {
        Objects.requireNonNull(id, "id");
        title = title == null ? "" : title;
        description = description == null ? "" : description;
        cves = List.copyOf(cves);
        tags = List.copyOf(tags);
        assignedTo = List.copyOf(assignedTo);
        drl = drl == null ? "" : drl;
    }

    public CatalogRule withVersion(int v) {
        return new CatalogRule(id, title, description, module, severity, cves, cvss, application, tags, status, source, v, drl,
                caseCount, assignedTo, path);
    }

    public CatalogRule withAssignedTo(List<String> to) {
        return new CatalogRule(id, title, description, module, severity, cves, cvss, application, tags, status, source, version, drl,
                caseCount, to, path);
    }

    /** SHA-256 over everything an author changes (not the version, not the assignments): what decides a new version. */
    public String contentFingerprint() {
        String joined = String.join("\u0000", id, title, description, String.valueOf(module), String.valueOf(severity),
                String.join(",", cves), String.valueOf(cvss), String.valueOf(application), String.join(",", tags),
                String.valueOf(status), String.valueOf(source), drl, Integer.toString(caseCount), String.valueOf(path));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The year of each CVE id ({@code CVE-2021-44228} gives 2021), for the CVE-year facet. */
    public List<String> cveYears() {
        return cves.stream().filter(c -> c.length() >= 8 && c.regionMatches(true, 0, "CVE-", 0, 4))
                .map(c -> c.substring(4, 8)).distinct().toList();
    }
}
