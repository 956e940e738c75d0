package dev.bulwark.manager;

import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.manager.knowledgebases.KnowledgeBasePublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark-manager}: the manager's command line. */
@Command(name = "bulwark-manager", mixinStandardHelpOptions = true, version = "Bulwark manager 0.1.0",
        description = "Bulwark manager: create its signing key and publish signed knowledge bases for its agents.",
        subcommands = {ManagerCommand.Keygen.class, ManagerCommand.Publish.class, ManagerCommand.Bundles.class},
        footer = {"", "Exit codes: 0 ok, 2 rule problems, 4 I/O or state error, 64 usage."})
public final class ManagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ManagerCommand());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 64 : 4);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage() == null ? e.toString() : e.getMessage());
            return 4;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "manager data folder (default: $BULWARK_MANAGER_DATA or /var/lib/bulwark/manager)")
        Path dir;

        KnowledgeBasePublisher publisher() {
            Path d = dir;
            if (d == null) {
                String env = System.getenv("BULWARK_MANAGER_DATA");
                d = Path.of(env != null && !env.isBlank() ? env : "/var/lib/bulwark/manager");
            }
            return new KnowledgeBasePublisher(d, Clock.systemUTC());
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Create the manager's bundle-signing key pair (never replaces one).")
    static final class Keygen implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            boolean created = p.createKey();
            System.out.printf("%s signing key %s; agents pin %s%n", created ? "created" : "kept existing",
                    SigningKeys.keyId(SigningKeys.readPublic(p.publicKey())), p.publicKey());
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Compile rule directories together, sign with the manager's key, store as the next version.")
    static final class Publish implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;
        @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory (repeatable)")
        List<Path> rules;
        @Option(names = "--data", paramLabel = "DIR", description = "data directory (repeatable)")
        List<Path> dataDirs = List.of();

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            try {
                BundleBuilder.Output out = p.publish(rules, dataDirs);
                var versions = p.versions();
                long v = versions.get(versions.size() - 1);
                out.compiled().warnings().forEach(w -> System.err.println(w));
                System.out.printf("published version %d: %d rules, %d bytes -> %s%n", v, out.compiled().rules().size(), out.bundle().length, p.bundlePath(v));
                return 0;
            } catch (RuleBuildException e) {
                e.problems().forEach(x -> System.err.println(x));
                System.err.println("nothing published");
                return 2;
            }
        }
    }

    @Command(name = "bundles", mixinStandardHelpOptions = true, description = "List published knowledge-base versions.")
    static final class Bundles implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            for (long v : p.versions()) {
                System.out.println(v + "\t" + p.bundlePath(v));
            }
            return 0;
        }
    }
}
