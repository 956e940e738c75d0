package dev.bulwark.manager.console;

import dev.bulwark.authoring.catalog.CatalogQuery;
import dev.bulwark.authoring.catalog.CatalogQueryException;
import dev.bulwark.authoring.catalog.CatalogResult;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.CatalogSources;
import dev.bulwark.authoring.catalog.RuleCatalog;
import dev.bulwark.authoring.catalog.RuleHistory;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.manager.knowledgebases.KnowledgeBases;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The rule catalog the console searches: the Lucene catalog of rule-authoring, kept in the manager's
 * data folder (index and version history) and synchronised from the same rules trees a publication
 * compiles, on first use after a start and after each publication or saved edit. Rules that cannot be catalogued are kept as problems
 * for the rules page to show.
 */
@Component
public class ConsoleCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCatalog.class);

    private final RuleCatalog catalog;
    private final KnowledgeBases kbs;
    private volatile List<RuleProblem> problems = List.of();
    private volatile boolean loaded;

    public ConsoleCatalog(KnowledgeBases kbs, @Value("${bulwark.data-dir}") Path dataDir) throws IOException {
        this.kbs = kbs;
        this.catalog = RuleCatalog.open(dataDir.resolve("catalog"));
    }

    /** The first reader after a start synchronises the catalog (parsing every rule takes a moment; managers that serve only agents never pay it). */
    private void load() {
        if (!loaded) { // searches after the first never wait on the monitor a publication's sync holds
            synchronized (this) {
                if (!loaded) {
                    sync("manager");
                }
            }
        }
    }

    /** Reads every rules tree again and makes the catalog match it; new and changed rules become new versions by {@code actor}. */
    public synchronized void sync(String actor) {
        List<RuleProblem> found = new ArrayList<>();
        CatalogSources sources = new CatalogSources();
        for (Map.Entry<String, Path> e : kbs.ruleSources().entrySet()) {
            try {
                List<CatalogRule> rules = List.of();
                if (hasRules(e.getValue())) { // an organisation without rules of its own yet is normal, not a problem
                    CatalogSources.Read read = sources.readTree(e.getValue(), e.getKey());
                    rules = read.rules();
                    found.addAll(read.problems());
                }
                RuleCatalog.SyncReport r = catalog.sync(e.getKey(), rules, actor);
                r.conflicts().forEach(c -> found.add(RuleProblem.error(RuleProblem.Kind.DUPLICATE_ID, null, e.getKey(), 1, 1, c)));
            } catch (IOException x) {
                LOG.warn("rule catalog: cannot read {}: {}", e.getValue(), x.getMessage());
                found.add(RuleProblem.error(RuleProblem.Kind.PARSE_ERROR, null, e.getValue().toString(), 1, 1, "not readable: " + x.getMessage()));
            }
        }
        problems = List.copyOf(found);
        loaded = true;
    }

    private static boolean hasRules(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var walk = Files.walk(dir)) {
            return walk.anyMatch(p -> p.getFileName().toString().endsWith(".drl"));
        }
    }

    public CatalogResult search(CatalogQuery q) throws CatalogQueryException {
        load();
        try {
            return catalog.search(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<CatalogRule> get(String id) {
        load();
        try {
            return catalog.get(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<RuleHistory.Version> history(String id) {
        load();
        return catalog.history(id);
    }

    public List<RuleProblem> problems() {
        load();
        return problems;
    }

    @PreDestroy
    void close() throws IOException {
        catalog.close();
    }
}
