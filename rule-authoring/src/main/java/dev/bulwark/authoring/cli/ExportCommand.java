package dev.bulwark.authoring.cli;

import dev.bulwark.authoring.catalog.CatalogCsv;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.RuleArchive;
import dev.bulwark.authoring.catalog.RuleCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark-rules export}: the catalog as CSV, or rules and catalog as a zip. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export the catalog's metadata as CSV (every field, one row per rule; read back by 'import --csv'",
                "without loss; cells a spreadsheet would run as formulas are defused with a leading apostrophe), or the rule",
                "files (.drl and .cases.yaml of each source directory) with catalog.csv as a zip."},
        footer = {"", "Exit codes: 0 ok, 4 I/O error, 64 usage."})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    CatalogOptions source = new CatalogOptions();
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--csv", paramLabel = "FILE", description = "write the catalog as CSV ('-' for standard output)")
        Path csv;
        @Option(names = "--zip", paramLabel = "FILE", description = "write the rule files and catalog.csv as a zip")
        Path zip;
    }

    @Override
    public Integer call() throws IOException {
        try (RuleCatalog catalog = source.open()) {
            List<CatalogRule> rules = catalog.all();
            if (target.csv != null) {
                if (target.csv.toString().equals("-")) {
                    Writer w = new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8);
                    CatalogCsv.write(rules, w);
                    w.flush();
                } else {
                    try (Writer w = Files.newBufferedWriter(target.csv, StandardCharsets.UTF_8)) {
                        CatalogCsv.write(rules, w);
                    }
                    System.err.printf("wrote %d rules to %s%n", rules.size(), target.csv);
                }
                return RulesCommand.OK;
            }
            if (source.index != null && source.directories().isEmpty()) {
                System.err.println("--zip copies rule files: give the rule directories (--builtin, --rules) it should take them from");
                return RulesCommand.USAGE;
            }
            int files;
            try (OutputStream out = Files.newOutputStream(target.zip)) {
                files = RuleArchive.write(source.directories(), rules, out);
            }
            System.err.printf("wrote %d rule files and the catalog of %d rules to %s%n", files, rules.size(), target.zip);
            return RulesCommand.OK;
        }
    }
}
