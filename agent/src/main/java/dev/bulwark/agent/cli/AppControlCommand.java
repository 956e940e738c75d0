package dev.bulwark.agent.cli;

import dev.bulwark.agent.appcontrol.AdminDecisions;
import dev.bulwark.agent.appcontrol.DecisionWatch;
import dev.bulwark.agent.appcontrol.ExecEnforcer;
import dev.bulwark.agent.appcontrol.ExecInventory;
import dev.bulwark.agent.appcontrol.InventoryBuilder;
import dev.bulwark.agent.appcontrol.MaintenanceWindow;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent appcontrol}: application control from the command line. */
@Command(name = "appcontrol", mixinStandardHelpOptions = true,
        description = {"Application control: inventory the executables (the allowlist), approve or block software, open maintenance",
                "windows, and enforce (fanotify exec permission events, as root) with the knowledge base's rules."},
        subcommands = {AppControlCommand.Inventory.class, AppControlCommand.Status.class, AppControlCommand.Approve.class,
                AppControlCommand.Block.class, AppControlCommand.Maintenance.class, AppControlCommand.Enforce.class},
        footer = {"", "Exit codes: 0 done, 3 bundle refused, 4 state error (no inventory, fanotify unavailable), 64 usage."})
final class AppControlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path dir(AgentCommand.StateOption state) {
        return state.store().root().resolve("appcontrol");
    }

    @Command(name = "inventory", mixinStandardHelpOptions = true, description = "Record every executable under the roots as the allowlist (replaces the inventory).")
    static final class Inventory implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Option(names = "--root", paramLabel = "DIR", description = "inventory under this tree (repeatable; default /)")
        List<String> roots = new ArrayList<>();
        @Option(names = "--threads", paramLabel = "N", description = "hashing threads (default: the number of CPUs)")
        int threads = Runtime.getRuntime().availableProcessors();

        @Override
        public Integer call() throws Exception {
            ExecInventory inv = new ExecInventory();
            List<String> r = roots.isEmpty() ? List.of("/") : roots.stream().map(p -> Path.of(p).toAbsolutePath().normalize().toString()).toList();
            InventoryBuilder.Stats s = new InventoryBuilder(List.of(state.store().root().toAbsolutePath().normalize().toString()),
                    dev.bulwark.agent.packages.PackageFiles.Source.host()).build(r, inv, threads);
            inv.save(dir(state).resolve(ExecInventory.FILE));
            spec.commandLine().getOut().printf("inventory of %s: %d executables (%.1f MB) among %d files in %.1f s; %d differ from their package's record, %d unreadable%n",
                    r, s.executables(), s.bytes() / 1e6, s.files(), s.seconds(), s.mismatches(), s.unreadable());
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Inventory size, admin decisions, maintenance window.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path f = dir(state).resolve(ExecInventory.FILE);
            if (!Files.exists(f)) {
                spec.commandLine().getErr().println("no inventory in " + dir(state) + "; build one with 'bulwark-agent appcontrol inventory'");
                return ExitCodes.STATE_ERROR;
            }
            ExecInventory inv = ExecInventory.load(f);
            AdminDecisions d = AdminDecisions.load(dir(state).resolve(AdminDecisions.FILE));
            MaintenanceWindow w = new MaintenanceWindow(dir(state));
            out.printf("inventory: %d executables, %d differ from their package's record%n", inv.size(), inv.packageMismatches());
            out.printf("admin decisions: %d%n", d.all().size());
            d.all().forEach(x -> out.printf("  %s %s %s %s%n", x.approve() ? "approve" : "block", x.kind(), x.value(), x.note()));
            out.println("maintenance: " + (w.active() ? "until " + w.until() : "off"));
            return ExitCodes.OK;
        }
    }

    /** Shared by approve and block. */
    abstract static class Decide implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Option(names = "--hash", paramLabel = "SHA256", description = "by content")
        String hash;
        @Option(names = "--path", paramLabel = "PATH", description = "by absolute path")
        String path;
        @Option(names = "--note", paramLabel = "TEXT", defaultValue = "", description = "why (kept with the decision)")
        String note;

        abstract boolean approve();

        @Override
        public Integer call() throws Exception {
            if ((hash == null) == (path == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --hash or --path");
            }
            try {
                AdminDecisions.record(dir(state), new AdminDecisions.Decision(approve(), hash != null ? "hash" : "path",
                        hash != null ? hash.toLowerCase(java.util.Locale.ROOT) : path, note));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            spec.commandLine().getOut().println((approve() ? "approved " : "blocked ") + (hash != null ? hash : path)
                    + " (a running 'appcontrol enforce' or agent picks it up within a second)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Allow an executable on this host.")
    static final class Approve extends Decide {
        boolean approve() {
            return true;
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true, description = "Block an executable on this host, in every mode.")
    static final class Block extends Decide {
        boolean approve() {
            return false;
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true, description = "Open (--for) or close (--end) a maintenance window.")
    static final class Maintenance implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Option(names = "--for", paramLabel = "DURATION", description = "e.g. 2h, 30m")
        String duration;
        @Option(names = "--end")
        boolean end;

        @Override
        public Integer call() throws Exception {
            MaintenanceWindow w = new MaintenanceWindow(dir(state));
            if (end == (duration != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --for DURATION or --end");
            }
            if (end) {
                w.end();
                spec.commandLine().getOut().println("maintenance ended");
            } else {
                w.open(Duration.parse("PT" + duration.toUpperCase(java.util.Locale.ROOT)));
                spec.commandLine().getOut().println("maintenance until " + w.until());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "enforce", mixinStandardHelpOptions = true,
            description = "Decide every exec under --scope (default /) until SIGTERM or --for: block or detect unrecognised software.")
    static final class Enforce implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @CommandLine.Mixin
        AgentCommand.KnowledgeBaseSource source;
        @Option(names = "--mode", defaultValue = "detect", description = "block or detect (default ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--scope", paramLabel = "DIR", description = "decide execs of files under this tree (repeatable; default /)")
        List<String> scope = new ArrayList<>();
        @Option(names = "--always-allow", paramLabel = "DIR",
                description = "never block under this tree (repeatable; the agent's Java, /usr/lib/systemd, /sbin/init, modprobe are always allowed)")
        List<String> alwaysAllow = new ArrayList<>();
        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "2000", description = "answer undecided execs after this long (default ${DEFAULT-VALUE})")
        long timeoutMs;
        @Option(names = "--fail-closed", description = "deny undecided execs (default: allow, and report)")
        boolean failClosed;
        @Option(names = "--for", paramLabel = "SECONDS")
        Long seconds;
        @Option(names = "--trust-packages",
                description = "allow, and add to the inventory, executables whose MD5 is the one dpkg recorded for their path (package updates)")
        boolean trustPackages;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!mode.equals("block") && !mode.equals("detect")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--mode is block or detect");
            }
            Path inventoryFile = dir(state).resolve(ExecInventory.FILE);
            if (!Files.exists(inventoryFile)) {
                err.println("no inventory in " + dir(state) + "; build one with 'bulwark-agent appcontrol inventory' first");
                return ExitCodes.STATE_ERROR;
            }
            LoadedKnowledgeBase kb = source.require(state.store());
            ExecInventory inv = ExecInventory.load(inventoryFile);
            DecisionWatch decisions = new DecisionWatch(dir(state));
            decisions.refresh();
            ExecEnforcer.Listener listener = new ExecEnforcer.Listener() {
                @Override
                public void decided(ExecRequest r, boolean allowed, String ruleId, String reason, List<Finding> findings) {
                    synchronized (out) {
                        if (!findings.isEmpty() || !allowed) {
                            out.printf("%s %s (%s, sha256 %s, user %s, parent %s): %s%s%n", allowed ? "ALLOWED" : "BLOCKED", r.path(), r.inventoryStatus(),
                                    r.sha256(), r.user(), r.parentPath(), reason, ruleId == null ? "" : " [" + ruleId + "]");
                            out.flush();
                        }
                    }
                }

                @Override
                public void problem(String kind, String detail) {
                    synchronized (out) {
                        err.println(kind + ": " + detail);
                        err.flush();
                    }
                }
            };
            ExecEnforcer e;
            try {
                e = ExecEnforcer.start(new ExecEnforcer.Config(scope.isEmpty() ? List.of("/") : scope.stream()
                                .map(p -> Path.of(p).toAbsolutePath().normalize().toString()).toList(), mode, Duration.ofMillis(timeoutMs), failClosed,
                        AppControlModule.neverHeld(alwaysAllow), Math.max(2, Runtime.getRuntime().availableProcessors()), java.util.Set.of(),
                        dev.bulwark.agent.packages.PackageFiles.Source.host(), trustPackages), kb, inv, decisions::current, inventoryFile,
                        new MaintenanceWindow(dir(state)), listener);
            } catch (NativeFileException x) {
                err.println("enforcement needs fanotify exec permission events (root, Linux 5.0+): " + x.getMessage());
                return ExitCodes.STATE_ERROR;
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
            err.printf("enforcing (%s) with %d inventoried executables; ready%n", mode, inv.size());
            err.flush();
            long deadline = seconds == null ? Long.MAX_VALUE : System.currentTimeMillis() + seconds * 1000;
            try {
                while (!stop.await(500, TimeUnit.MILLISECONDS) && System.currentTimeMillis() < deadline) {
                    try {
                        if (decisions.refresh()) {
                            e.invalidate();
                        }
                    } catch (java.io.IOException x) {
                        listener.problem("decisions", "the admin decisions do not read (" + x.getMessage() + "); the previous ones stay in force");
                    }
                }
            } finally {
                e.close();
                err.printf("stopped: %d decisions, %d cache hits, %d answered late%n", e.decided(), e.cacheHits(), e.timedOut());
                err.flush();
                closed.countDown();
            }
            return ExitCodes.OK;
        }
    }
}
