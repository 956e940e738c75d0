package dev.bulwark.authoring.cli;

import dev.bulwark.authoring.catalog.CatalogCsv;
import dev.bulwark.authoring.catalog.RuleArchive;
import dev.bulwark.authoring.catalog.RuleCatalog;
import dev.bulwark.authoring.ossec.CompiledOssecRuleset;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark-rules import}: a catalog CSV into a kept index, a rules zip into a directory, an OSSEC/Wazuh tree as DRL. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"--csv FILE --index DIR: replace the kept catalog with an export (versions and all); refused rows are listed",
                "and the index is left unchanged unless --partial accepts the rest.",
                "--zip FILE --out DIR: unpack a rules archive (names, entry count and sizes checked; nothing written if refused), then lint it.",
                "--ossec-ruleset DIR... --out DIR: import an OSSEC/Wazuh tree and write the generated DRL (its licence stays with it: keep",
                "the output out of Apache-2.0 trees)."},
        footer = {"", "Exit codes: 0 ok, 2 rule or row problems, 3 archive refused, 4 I/O error, 64 usage."})
final class ImportCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    From from;

    static final class From {
        @Option(names = "--csv", paramLabel = "FILE", description = "a catalog CSV from 'export --csv'")
        Path csv;
        @Option(names = "--zip", paramLabel = "FILE", description = "a rules archive from 'export --zip'")
        Path zip;
        @Option(names = "--ossec-ruleset", paramLabel = "DIR", description = "an OSSEC/Wazuh tree (repeatable, in load order)")
        List<Path> ossec;
    }

    @Option(names = "--index", paramLabel = "DIR", description = "with --csv: the catalog to restore into")
    Path index;
    @Option(names = "--partial", description = "with --csv: import the readable rows even when others are refused")
    boolean partial;
    @Option(names = "--out", paramLabel = "DIR", description = "with --zip or --ossec-ruleset: a new, empty directory to write into")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (from.csv != null) {
            return csv();
        }
        if (out == null) {
            System.err.println("--zip and --ossec-ruleset need --out DIR");
            return RulesCommand.USAGE;
        }
        if (from.zip != null) {
            return zip();
        }
        try {
            RuleArchive.requireEmpty(out);
        } catch (RuleArchive.RefusedArchive e) {
            System.err.println(e.getMessage());
            return RulesCommand.USAGE;
        }
        CompiledOssecRuleset imported = CompiledOssecRuleset.read(from.ossec);
        for (DrlSource s : imported.sources()) {
            Path target = out.resolve(s.path()).normalize();
            if (!target.startsWith(out.normalize())) {
                throw new IOException("generated path " + s.path() + " leaves " + out);
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, s.text(), StandardCharsets.UTF_8);
        }
        System.err.printf("wrote %d DRL files (%d rules imported, %d left out) below %s%n", imported.sources().size(),
                imported.imported().rulesImported(), imported.imported().rulesLeftOut(), out);
        return RulesCommand.OK;
    }

    private int csv() throws IOException {
        if (index == null) {
            System.err.println("--csv needs --index DIR: the catalog to restore into");
            return RulesCommand.USAGE;
        }
        CatalogCsv.Read read;
        try (Reader r = Files.newBufferedReader(from.csv, StandardCharsets.UTF_8)) {
            read = CatalogCsv.read(r);
        }
        read.problems().forEach(p -> System.err.println(from.csv + ": " + p));
        if (!read.problems().isEmpty() && !partial) {
            System.err.printf("%d row(s) refused; the catalog is unchanged (--partial imports the other %d)%n", read.problems().size(), read.rules().size());
            return RulesCommand.RULE_PROBLEMS;
        }
        try (RuleCatalog catalog = RuleCatalog.open(index)) {
            catalog.restore(read.rules(), "import of " + from.csv.getFileName());
        }
        System.err.printf("restored %d rules into %s%n", read.rules().size(), index);
        return read.problems().isEmpty() ? RulesCommand.OK : RulesCommand.RULE_PROBLEMS;
    }

    private int zip() throws IOException {
        List<Path> written;
        try (InputStream in = Files.newInputStream(from.zip)) {
            written = RuleArchive.unpack(in, out);
        } catch (RuleArchive.RefusedArchive e) {
            System.err.println(from.zip + ": refused: " + e.getMessage());
            return RulesCommand.REFUSED;
        }
        System.err.printf("unpacked %d files below %s%n", written.size(), out);
        List<DrlSource> sources = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(out)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> drl = Files.walk(dir)) {
                    if (drl.anyMatch(p -> p.toString().endsWith(".drl"))) {
                        sources.addAll(BundleBuilder.readSources(dir));
                    }
                }
            }
        }
        try {
            var compiled = new KnowledgeBaseCompiler().compile(sources);
            System.err.printf("lint: %d rules, no errors, %d warnings%n", compiled.rules().size(), compiled.warnings().size());
            return RulesCommand.OK;
        } catch (RuleBuildException e) {
            RulesCommand.printProblems(e.problems(), false);
            System.err.println("the unpacked rules do not pass lint; fix them before building a bundle");
            return RulesCommand.RULE_PROBLEMS;
        }
    }
}
