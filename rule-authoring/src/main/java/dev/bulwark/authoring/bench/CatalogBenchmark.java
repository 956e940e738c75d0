package dev.bulwark.authoring.bench;

import dev.bulwark.authoring.catalog.CatalogQuery;
import dev.bulwark.authoring.catalog.CatalogQueryException;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.RuleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Catalog figures: index build time (in memory and on disk) and query latency per kind of query,
 * over a generated catalog of realistic rules. Prints; asserts nothing.
 */
@Command(name = "bench-catalog", mixinStandardHelpOptions = true,
        description = {"Benchmark the rule catalog: build time for N generated rules, then p50/p99 latency of id lookups,",
                "CVE lookups, free-text queries (a quarter with a typo) and faceted free-text queries with a drill-down,",
                "each returning 10 highlighted hits, on the on-disk index, after three warm-up passes. Prints figures; asserts nothing."})
public final class CatalogBenchmark implements Callable<Integer> {

    @Option(names = "--rules", defaultValue = "20000", description = "rules to index (default: ${DEFAULT-VALUE})")
    int rules;
    @Option(names = "--queries", defaultValue = "2000", description = "queries of each kind (default: ${DEFAULT-VALUE})")
    int queries;
    @Option(names = "--seed", defaultValue = "20261204")
    long seed;

    @Override
    public Integer call() throws IOException {
        List<CatalogRule> corpus = CatalogCorpus.generate(rules, seed);
        System.out.printf(Locale.ROOT, "catalog benchmark: %,d generated rules, %,d queries of each kind, JDK %s, %d CPUs%n",
                rules, queries, Runtime.version(), Runtime.getRuntime().availableProcessors());
        try (RuleCatalog memory = RuleCatalog.inMemory()) {
            long t0 = System.nanoTime();
            memory.rebuild(corpus, "bench");
            System.out.printf(Locale.ROOT, "build in memory: %.2f s%n", (System.nanoTime() - t0) / 1e9);
        }
        Path dir = Files.createTempDirectory("bulwark-catalog-bench");
        try (RuleCatalog catalog = RuleCatalog.open(dir)) {
            long t0 = System.nanoTime();
            catalog.rebuild(corpus, "bench");
            double build = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "build on disk:   %.2f s (%,.0f rules/s), index %.1f MB, history %.1f MB (every rule saved as version 1)%n",
                    build, rules / build, bytes(dir.resolve("lucene")) / 1e6, bytes(dir.resolve("history")) / 1e6);
            t0 = System.nanoTime();
            CatalogRule changed = corpus.get(rules / 2);
            catalog.upsert(new CatalogRule(changed.id(), changed.title() + " (revised)", changed.description(), changed.module(),
                    changed.severity(), changed.cves(), changed.cvss(), changed.application(), changed.tags(), changed.status(),
                    changed.source(), 1, changed.drl(), changed.caseCount(), changed.assignedTo(), changed.path()), "bench");
            System.out.printf(Locale.ROOT, "one rule changed (update + commit + refresh): %.1f ms%n", (System.nanoTime() - t0) / 1e6);

            SplittableRandom r = new SplittableRandom(seed + 1);
            Map<String, List<CatalogQuery>> kinds = new java.util.LinkedHashMap<>();
            kinds.put("id lookup", queries(queries, () -> CatalogQuery.of(corpus.get(r.nextInt(rules)).id())));
            kinds.put("CVE lookup", queries(queries, () -> CatalogQuery.of(cveOf(corpus, r))));
            kinds.put("free text", queries(queries, () -> CatalogQuery.of(freeText(corpus.get(r.nextInt(rules)), r))));
            kinds.put("faceted free text", queries(queries, () -> CatalogQuery.of(freeText(corpus.get(r.nextInt(rules)), r))
                    .withFacets().filter(Map.of(RuleCatalog.SEVERITY, List.of(r.nextBoolean() ? "high" : "critical")))));
            // warm-up, as a long-running manager is: three passes (one left the JIT's optimising compiler still busy)
            for (int pass = 0; pass < 3; pass++) {
                for (List<CatalogQuery> qs : kinds.values()) {
                    run(catalog, qs);
                }
            }
            System.out.printf("%-18s %9s %9s %9s %11s%n", "query", "p50 ms", "p99 ms", "max ms", "mean hits");
            for (Map.Entry<String, List<CatalogQuery>> e : kinds.entrySet()) {
                long[] hits = new long[1];
                long[] nanos = run(catalog, e.getValue(), hits);
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "%-18s %9.3f %9.3f %9.3f %11.1f%n", e.getKey(), pct(nanos, 50), pct(nanos, 99),
                        nanos[nanos.length - 1] / 1e6, hits[0] / (double) nanos.length);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static List<CatalogQuery> queries(int n, java.util.function.Supplier<CatalogQuery> make) {
        List<CatalogQuery> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(make.get().limit(10).highlighted(CatalogQuery.Markup.HTML));
        }
        return out;
    }

    private static String cveOf(List<CatalogRule> corpus, SplittableRandom r) {
        while (true) {
            CatalogRule rule = corpus.get(r.nextInt(corpus.size()));
            if (!rule.cves().isEmpty()) {
                return rule.cves().getFirst();
            }
        }
    }

    /** Two or three words of a rule's title, one in four with a letter swapped: how people type. */
    private static String freeText(CatalogRule rule, SplittableRandom r) {
        String[] words = Arrays.stream(rule.title().split("[^\\p{L}\\p{N}]+")).filter(w -> w.length() > 3 && !w.startsWith("CVE")).toArray(String[]::new);
        if (words.length == 0) {
            return rule.application();
        }
        int n = Math.min(words.length, 2 + r.nextInt(2));
        int start = r.nextInt(words.length - n + 1);
        String[] picked = Arrays.copyOfRange(words, start, start + n);
        if (r.nextInt(4) == 0) {
            int w = r.nextInt(picked.length);
            char[] c = picked[w].toCharArray();
            if (c.length > 4) {
                char t = c[2];
                c[2] = c[3];
                c[3] = t;
                picked[w] = new String(c);
            }
        }
        return String.join(" ", picked).toLowerCase(Locale.ROOT);
    }

    private static long[] run(RuleCatalog catalog, List<CatalogQuery> qs) throws IOException {
        return run(catalog, qs, new long[1]);
    }

    private static long[] run(RuleCatalog catalog, List<CatalogQuery> qs, long[] hits) throws IOException {
        long[] nanos = new long[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            long t0 = System.nanoTime();
            try {
                hits[0] += catalog.search(qs.get(i)).total();
            } catch (CatalogQueryException e) {
                throw new IllegalStateException("generated query refused: " + qs.get(i).text() + ": " + e.getMessage(), e);
            }
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
