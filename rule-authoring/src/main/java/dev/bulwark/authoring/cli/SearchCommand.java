package dev.bulwark.authoring.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.catalog.CatalogQuery;
import dev.bulwark.authoring.catalog.CatalogQuery.Markup;
import dev.bulwark.authoring.catalog.CatalogQueryException;
import dev.bulwark.authoring.catalog.CatalogResult;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.RuleCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules search}: the rule catalog from the command line. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search the rule catalog: fielded boolean queries (module:ips AND cve:CVE-2021-44228), phrases (\"brute force\"),",
                "prefixes (apach*), numbers (cvss:[9 TO 10], cases:0), typo-tolerant title words. An id or CVE named in the query ranks first.",
                "Fields: id title description module severity cve cvss application tag status source version drl cases assigned.",
                "Without --index the catalog is built in memory from the rules given (default: the built-in knowledge base);",
                "with --index DIR it is kept there and brought up to date incrementally from the rules given."},
        footer = {"", "Exit codes: 0 ok (even with no hits), 4 I/O error, 64 usage or a refused query."})
final class SearchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "the query; empty lists every rule")
    String query = "";
    @Mixin
    CatalogOptions source = new CatalogOptions();
    @Option(names = "--facet", paramLabel = "DIM=VALUE", description = "keep only rules with this facet value (repeatable; values of one dimension are OR-ed)")
    List<String> facetFilters = new ArrayList<>();
    @Option(names = "--facets", description = "count facets over the matching rules")
    boolean facets;
    @Option(names = "--similar", paramLabel = "ID", description = "instead of QUERY: rules most like this one")
    String similar;
    @Option(names = "--limit", defaultValue = "10", description = "hits to show (default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--offset", defaultValue = "0", description = "hits to skip")
    int offset;
    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (String f : facetFilters) {
            int eq = f.indexOf('=');
            if (eq <= 0 || eq == f.length() - 1) {
                System.err.println("--facet takes DIMENSION=VALUE, as in --facet module=ips; dimensions: " + String.join(", ", RuleCatalog.FACETS));
                return RulesCommand.USAGE;
            }
            filters.computeIfAbsent(f.substring(0, eq), k -> new ArrayList<>()).add(f.substring(eq + 1));
        }
        try (RuleCatalog catalog = source.open()) {
            if (similar != null) {
                return printSimilar(catalog);
            }
            CatalogQuery q = new CatalogQuery(query, filters, offset, limit, facets, json ? Markup.HTML : Markup.PLAIN);
            CatalogResult r;
            try {
                r = catalog.search(q);
            } catch (CatalogQueryException e) {
                if (json) {
                    ObjectNode n = RulesCommand.JSON.createObjectNode();
                    n.put("error", e.getMessage());
                    n.put("column", e.column());
                    System.out.println(RulesCommand.JSON.writeValueAsString(n));
                } else {
                    System.err.println(query);
                    if (e.column() > 0 && e.column() <= query.length() + 1) {
                        System.err.println(" ".repeat(e.column() - 1) + "^");
                    }
                    System.err.println(e.getMessage());
                }
                return RulesCommand.USAGE;
            }
            print(r);
            return RulesCommand.OK;
        }
    }

    private int printSimilar(RuleCatalog catalog) throws IOException {
        if (catalog.get(similar).isEmpty()) {
            System.err.println("no rule " + similar + " in the catalog");
            return RulesCommand.USAGE;
        }
        List<CatalogResult.Hit> hits = catalog.similar(similar, limit);
        print(new CatalogResult(hits.size(), hits, Map.of()));
        return RulesCommand.OK;
    }

    /** A fragment on one line, at most about 160 characters, starting a little before its first match. */
    static String around(String fragment) {
        String f = fragment.replaceAll("\\s+", " ").strip();
        if (f.length() <= 160) {
            return f;
        }
        int from = Math.max(0, f.indexOf("[[") - 40);
        int to = Math.min(f.length(), from + 160);
        return (from > 0 ? "…" : "") + f.substring(from, to) + (to < f.length() ? "…" : "");
    }

    private void print(CatalogResult r) throws IOException {
        if (json) {
            ObjectNode n = RulesCommand.JSON.createObjectNode();
            n.put("total", r.total());
            ArrayNode hits = n.putArray("hits");
            for (CatalogResult.Hit h : r.hits()) {
                ObjectNode o = hits.addObject();
                o.put("score", h.score());
                o.set("rule", RulesCommand.JSON.valueToTree(h.rule()));
                o.set("highlights", RulesCommand.JSON.valueToTree(h.highlights()));
            }
            n.set("facets", RulesCommand.JSON.valueToTree(r.facets()));
            System.out.println(RulesCommand.JSON.writeValueAsString(n));
            return;
        }
        System.out.printf("%d rule(s) match%s%n", r.total(),
                r.hits().size() < r.total() ? " (showing " + (offset + 1) + "-" + (offset + r.hits().size()) + ")" : "");
        for (CatalogResult.Hit h : r.hits()) {
            CatalogRule rule = h.rule();
            System.out.printf("%-16s %-8s %-13s %s%s%n", rule.id(), rule.severity(), rule.module(), rule.title(),
                    rule.cves().isEmpty() ? "" : "  " + String.join(",", rule.cves()));
            System.out.printf("%16s v%d, %s, %d case(s), %s, %s%n", "", rule.version(), rule.status(), rule.caseCount(), rule.source(), rule.path());
            h.highlights().forEach((field, frags) -> frags.forEach(f -> System.out.printf("%16s %s: %s%n", "", field, around(f))));
        }
        r.facets().forEach((dim, values) -> {
            if (!values.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                values.forEach(v -> sb.append(sb.isEmpty() ? "" : ", ").append(v.value()).append(' ').append(v.count()));
                System.out.printf("  %-12s %s%n", dim + ":", sb);
            }
        });
    }
}
