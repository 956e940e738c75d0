package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.appcontrol.AdminDecisions;
import dev.bulwark.agent.appcontrol.AppControlState;
import dev.bulwark.agent.linux.journald.JournalReader;
import dev.bulwark.agent.loginspection.LogWatcher;
import dev.bulwark.agent.protocol.Messages;
import dev.bulwark.agent.protocol.Messages.EnrollResponse;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.antimalware.ReputationCache;
import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.agent.protocol.SignedPolicy;
import dev.bulwark.agent.recommendation.RecommendationScan;
import dev.bulwark.agent.report.RuleSwitchSink;
import dev.bulwark.agent.spool.EventSpool;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.agent.store.LogPositionStore;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagedState;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.agent.uplink.ManagerException;
import dev.bulwark.agent.uplink.Uplink;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent enroll} and {@code bulwark-agent run}: the agent as a managed computer. */
final class ManagerCommands {
    private ManagerCommands() {
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = {"Enrol this agent with a manager using a one-time token from the manager.",
                    "Makes the agent's own key pair (the private key never leaves this machine) and pins the manager's bundle-signing key."})
    static final class Enroll implements Callable<Integer> {
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Parameters(index = "0", paramLabel = "URL", description = "the manager, e.g. https://manager.example:8443")
        URI manager;
        @Parameters(index = "1", paramLabel = "TOKEN", description = "one-time enrolment token (or @FILE to read it from a file)")
        String token;
        @Option(names = "--force", description = "enrol again under a new identity (the old one is moved aside)")
        boolean force;
        @Option(names = "--hostname", paramLabel = "NAME", description = "name to register (default: this host's name)")
        String hostname;
        @Option(names = "--ca", paramLabel = "FILE", description = "the manager's CA certificate (PEM): kept, and from then on the only CA trusted for the manager")
        Path ca;

        @Override
        public Integer call() throws Exception {
            AgentStateStore store = state.store();
            if (manager.getScheme() == null || !(manager.getScheme().equals("http") || manager.getScheme().equals("https"))) {
                System.err.println("the manager URL must start with https:// (or http:// on a trusted network): " + manager);
                return ExitCodes.USAGE;
            }
            String t = token.startsWith("@") ? Files.readString(Path.of(token.substring(1))).trim() : token.trim();
            Path retired = force ? ManagerClient.forgetIdentity(store.root()) : null;
            String host = hostname != null ? hostname : InetAddress.getLocalHost().getHostName();
            EnrollResponse r;
            try {
                r = ManagerClient.enroll(store.root(), manager, t, host, "0.1.0", ca);
            } catch (ManagerException e) {
                if (retired != null) {
                    ManagerClient.restoreIdentity(store.root(), retired); // a failed re-enrolment keeps the old identity
                }
                System.err.println(e.getMessage());
                return ExitCodes.STATE_ERROR;
            }
            var key = SigningKeys.parsePublic(r.bundleSigningKeyPem(), "the manager's enrolment answer");
            try {
                store.pinKey(key, false);
            } catch (IOException e) {
                System.err.printf("enrolled as agent %s, but %s%n", r.agentId(), e.getMessage().replace("pass --replace", "run 'bulwark-agent trust pin --replace KEY.pub'"));
                return ExitCodes.STATE_ERROR;
            }
            System.out.printf("enrolled as agent %s with %s; bundle-signing key %s pinned%n", r.agentId(), manager, SigningKeys.keyId(key));
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run as a managed agent: heartbeat to the manager, follow its policy and knowledge base as they change,",
                    "run log inspection on the files the policy names (plus any given here), and send every result through the",
                    "on-disk spool (a manager outage loses nothing; a retry duplicates nothing)."})
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Parameters(paramLabel = "LOG", arity = "0..*", description = "log files to follow besides those the policy names")
        List<Path> logs = List.of();
        @Option(names = "--journal", description = "also follow the systemd journal")
        boolean journal;
        @Option(names = "--spool-size", defaultValue = "268435456", paramLabel = "BYTES", description = "bound of each module's spool (default: ${DEFAULT-VALUE})")
        long spoolSize;
        @Option(names = "--for", paramLabel = "SECONDS", description = "stop after this many seconds (default: run until stopped)")
        Long forSeconds;
        @Option(names = "--interval", defaultValue = "500", paramLabel = "MS", description = "log poll interval (default: ${DEFAULT-VALUE} ms)")
        long interval;

        /** What the modules run with; replaced when the manager sends a new policy or knowledge base. */
        private volatile boolean reconfigure = true;
        private volatile IntegrityModule integrity;
        private volatile AntimalwareModule antimalware;
        private volatile AppControlModule appControl;
        /** The installed knowledge base, loaded once at start and then handed over by each install: never reloaded from disk. */
        private volatile LoadedKnowledgeBase kb;

        @Override
        public Integer call() throws Exception {
            AgentStateStore store = state.store();
            AgentIdentity id = AgentIdentity.load(store.root()).orElse(null);
            if (id == null) {
                System.err.println("this agent is not enrolled; run 'bulwark-agent enroll URL TOKEN' first");
                return ExitCodes.STATE_ERROR;
            }
            Clock clock = Clock.systemUTC();
            long deadline = forSeconds == null ? Long.MAX_VALUE : System.currentTimeMillis() + forSeconds * 1000;
            AtomicBoolean stop = new AtomicBoolean(false);
            AtomicBoolean signalled = new AtomicBoolean(false);
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                signalled.set(true);
                stop.set(true); // on SIGTERM: let the loop finish its poll, commit, send a last heartbeat and close the spools
                try {
                    main.join(15_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return runManaged(store, id, clock, deadline, stop);
            } finally {
                if (!signalled.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook); // a normal end: exit must not wait for this thread
                    } catch (IllegalStateException ignored) {
                        // shutting down already
                    }
                }
            }
        }

        private int runManaged(AgentStateStore store, AgentIdentity id, Clock clock, long deadline, AtomicBoolean stop) throws Exception {
            List<String> modules = new CopyOnWriteArrayList<>();
            try (EventSpool logSpool = EventSpool.open(store.root().resolve("spool/logs"), spoolSize, clock);
                 EventSpool integritySpool = EventSpool.open(store.root().resolve("spool/integrity"), spoolSize, clock);
                 EventSpool malwareSpool = EventSpool.open(store.root().resolve("spool/antimalware"), Math.min(spoolSize, 64L << 20), clock);
                 EventSpool agentSpool = EventSpool.open(store.root().resolve("spool/agent"), Math.min(spoolSize, 16L << 20), clock);
                 EventSpool appControlSpool = EventSpool.open(store.root().resolve("spool/appcontrol"), Math.min(spoolSize, 64L << 20), clock)) {
                Map<String, EventSpool> spools = new LinkedHashMap<>();
                spools.put("logs", logSpool);
                spools.put("integrity", integritySpool);
                spools.put("antimalware", malwareSpool);
                spools.put("agent", agentSpool);
                spools.put("appcontrol", appControlSpool);
                ManagedState managed = new ManagedState(store, id.agentId(), agentSpool, new ManagedState.Listener() {
                    @Override
                    public void policyChanged(SignedPolicy.EffectivePolicy policy) {
                        reconfigure = true;
                    }

                    @Override
                    public void knowledgeBaseChanged(LoadedKnowledgeBase installed) {
                        kb = installed;
                        reconfigure = true;
                    }

                    @Override
                    public ManagedState.Outcome execute(Messages.Command c) {
                        return carryOut(c, kb, agentSpool, integrity, antimalware, store.root().resolve("appcontrol"));
                    }
                });
                kb = store.loadCurrent().orElse(null);
                Uplink[] holder = new Uplink[1];
                ManagerClient client = new ManagerClient(id, clock);
                AppControlState appControlState = new AppControlState(store.root().resolve("appcontrol"));
                Uplink uplink = new Uplink(client, spools, () -> new Heartbeat(stop.get() ? "stopping" : "running",
                        List.copyOf(modules), runningVersion(store), heartbeatCounters(holder[0], integrity, appControlState, appControl)), clock).following(managed);
                holder[0] = uplink;
                Thread up = Thread.ofPlatform().name("bulwark-uplink").daemon(true).start(() -> {
                    try {
                        uplink.run(() -> !stop.get() && System.currentTimeMillis() < deadline);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                });
                System.err.printf("agent %s running with manager %s%n", id.agentId(), id.manager());
                LogWatcher watcher = null;
                try {
                    while (!stop.get() && System.currentTimeMillis() < deadline) {
                        if (reconfigure) {
                            reconfigure = false;
                            Map<String, String> settings = managed.policy().map(SignedPolicy.EffectivePolicy::settings).orElse(PolicySettings.defaults());
                            LoadedKnowledgeBase current = kb;
                            if (watcher != null) {
                                watcher.close();
                            }
                            watcher = logWatcher(store, current, settings, logSpool, modules);
                            if (integrity != null) {
                                integrity.close();
                            }
                            integrity = integrityModule(store, current, settings, integritySpool, modules);
                            if (antimalware != null) {
                                antimalware.close();
                            }
                            antimalware = antimalwareModule(store, current, settings, malwareSpool, modules, client);
                            if (appControl != null) {
                                appControl.close();
                            }
                            appControl = appControlModule(store, current, settings, appControlSpool, modules);
                        }
                        if (watcher != null) {
                            watcher.pollOnce();
                        }
                        if (integrity != null) {
                            integrity.pollOnce();
                        }
                        if (antimalware != null) {
                            antimalware.pollOnce();
                        }
                        if (appControl != null) {
                            appControl.pollOnce();
                        }
                        Thread.sleep(interval);
                    }
                } finally {
                    stop.set(true);
                    up.join(5_000);
                    if (watcher != null) {
                        watcher.close();
                    }
                    if (integrity != null) {
                        integrity.close();
                    }
                    if (antimalware != null) {
                        antimalware.close();
                    }
                    if (appControl != null) {
                        appControl.close();
                    }
                }
                try {
                    uplink.heartbeat(); // a last status, so the manager sees the agent stop
                    uplink.drainOnce();
                } catch (IOException e) {
                    System.err.println("final upload: " + e.getMessage() + " (kept in the spool)");
                }
            }
            return ExitCodes.OK;
        }

        /** The spools' counters, and the state of the integrity baseline and of application control, for the manager's computer page. */
        static Map<String, Long> heartbeatCounters(Uplink uplink, IntegrityModule integrity, AppControlState appControl, AppControlModule enforcing) {
            Map<String, Long> c = new LinkedHashMap<>(uplink.counters());
            if (integrity != null) {
                c.putAll(integrity.state());
            }
            c.putAll(appControl.counters());
            if (enforcing != null) {
                c.putAll(enforcing.counters());
            }
            return c;
        }

        /** The commands this agent carries out today; the others are answered 'unsupported' with the way to do them by hand. */
        static ManagedState.Outcome carryOut(Messages.Command c, LoadedKnowledgeBase kb, EventSpool agentSpool, IntegrityModule integrity,
                                             AntimalwareModule antimalware, Path appControl) {
            switch (c.kind()) {
                case "approve", "block" -> {
                    return decide(c, appControl);
                }
                case "recommendation-scan" -> {
                    try {
                        if (kb == null) {
                            return new ManagedState.Outcome("failed", "no knowledge base installed yet");
                        }
                        List<ObjectNode> results = RecommendationScan.run(kb, Path.of("/"));
                        agentSpool.appendCommitted(results);
                        long assignments = results.stream().filter(r -> r.path("kind").asText().equals("assignment")).count();
                        return new ManagedState.Outcome("done", "inventory evaluated: " + assignments + " rule assignments, "
                                + (results.size() - assignments) + " findings (sent as events)");
                    } catch (Exception e) {
                        return new ManagedState.Outcome("failed", "recommendation scan failed: " + e.getMessage());
                    }
                }
                case "rebuild-baseline" -> {
                    if (integrity == null) {
                        return new ManagedState.Outcome("failed", "integrity monitoring is off in this computer's policy (integrity.enabled)");
                    }
                    try {
                        return new ManagedState.Outcome("done", integrity.rebuild());
                    } catch (Exception e) {
                        return new ManagedState.Outcome("failed", "rebuilding the baseline failed: " + e.getMessage());
                    }
                }
                case "scan-now" -> {
                    if (antimalware == null) {
                        return new ManagedState.Outcome("failed", "anti-malware is off in this computer's policy (antimalware.enabled)");
                    }
                    String started = antimalware.scanNow(PolicySettings.paths(c.arguments() == null ? null : c.arguments().get("paths")));
                    return started == null ? new ManagedState.Outcome("failed", "no paths to scan: set antimalware.scheduled.paths or give paths")
                            : new ManagedState.Outcome(started.startsWith("scan of") ? "done" : "failed", started);
                }
                default -> {
                    return new ManagedState.Outcome("unsupported", "'" + c.kind() + "' belongs to a module this agent does not run yet");
                }
            }
        }

        /**
         * An admin's application-control decision from the manager: by {@code sha256} or by {@code path},
         * kept in the decisions file that enforcement reads (it takes effect within a second there).
         */
        static ManagedState.Outcome decide(Messages.Command c, Path appControl) {
            Map<String, String> a = c.arguments() == null ? Map.of() : c.arguments();
            String hash = a.get("sha256");
            String path = a.get("path");
            if ((hash == null) == (path == null)) {
                return new ManagedState.Outcome("failed", c.kind() + " needs exactly one of the arguments sha256 and path");
            }
            try {
                AdminDecisions.Decision d = AdminDecisions.record(appControl, new AdminDecisions.Decision(c.kind().equals("approve"),
                        hash != null ? "hash" : "path", hash != null ? hash.toLowerCase(java.util.Locale.ROOT) : path,
                        a.getOrDefault("note", "") + " (manager command " + c.id() + ")"));
                return new ManagedState.Outcome("done", (d.approve() ? "approved " : "blocked ") + d.kind() + " " + d.value());
            } catch (IllegalArgumentException e) {
                return new ManagedState.Outcome("failed", e.getMessage());
            } catch (IOException e) {
                return new ManagedState.Outcome("failed", "cannot write the decisions file: " + e.getMessage());
            }
        }

        private static long runningVersion(AgentStateStore store) {
            try {
                return store.runningVersion();
            } catch (IOException e) {
                return 0;
            }
        }

        /** Integrity monitoring of the trees the policy names, with the installed knowledge base rating changes; null when off. */
        private static IntegrityModule integrityModule(AgentStateStore store, LoadedKnowledgeBase kb, Map<String, String> settings, EventSpool spool,
                                                       List<String> modules) {
            modules.remove("integrity");
            List<String> paths = PolicySettings.paths(settings.get("integrity.paths")).stream().filter(p -> Files.exists(Path.of(p))).toList();
            boolean ruleDeclared = Boolean.parseBoolean(settings.getOrDefault("integrity.ruleDeclared", "true"));
            if (!Boolean.parseBoolean(settings.get("integrity.enabled")) || kb == null || paths.isEmpty() && (!ruleDeclared || kb.monitorSpecs().isEmpty())) {
                return null;
            }
            modules.add("integrity");
            long minutes = Long.parseLong(settings.getOrDefault("integrity.intervalMinutes", "60"));
            System.err.printf("integrity monitoring: %d rule-declared sets and %s every %d min with knowledge base %d%n",
                    ruleDeclared ? kb.monitorSpecs().size() : 0, paths, minutes, kb.version());
            return new IntegrityModule(store.root().resolve("fim"), paths, ruleDeclared, kb, new RuleSwitchSink(spool, RuleSwitchSink.switchedOff(settings)),
                    java.time.Duration.ofMinutes(minutes));
        }

        /** Anti-malware as the policy asks (on access, scheduled), with the installed knowledge base's signatures and rules; null when off. */
        private static AntimalwareModule antimalwareModule(AgentStateStore store, LoadedKnowledgeBase kb, Map<String, String> settings, EventSpool spool,
                                                           List<String> modules, ManagerClient client) {
            modules.remove("antimalware");
            if (!Boolean.parseBoolean(settings.get("antimalware.enabled")) || kb == null) {
                return null;
            }
            try {
                AntimalwareModule m = new AntimalwareModule(store.root(), kb, settings, spool, hashes -> client.reputation(hashes).stream()
                        .map(a -> new ReputationCache.Answer(a.sha256(), a.verdict(), a.name())).toList());
                modules.add("antimalware");
                return m;
            } catch (IOException e) {
                System.err.println("anti-malware: " + e.getMessage());
                return null;
            }
        }

        /** Application control as the policy asks (inventory first, then detect or block), with the installed knowledge base's rules; null when off. */
        private static AppControlModule appControlModule(AgentStateStore store, LoadedKnowledgeBase kb, Map<String, String> settings, EventSpool spool,
                                                         List<String> modules) {
            modules.remove("appcontrol");
            if (!Boolean.parseBoolean(settings.get("appcontrol.enabled")) || kb == null) {
                return null;
            }
            modules.add("appcontrol");
            return new AppControlModule(store.root(), kb, settings, spool);
        }

        /** Log inspection as the policy and the command line ask, with the installed knowledge base; null when off. */
        private LogWatcher logWatcher(AgentStateStore store, LoadedKnowledgeBase kb, Map<String, String> settings, EventSpool spool, List<String> modules)
                throws IOException {
            modules.remove("loginspection");
            boolean enabled = Boolean.parseBoolean(settings.get("loginspection.enabled")) || !logs.isEmpty();
            if (!enabled || kb == null) {
                if (kb == null) {
                    System.err.println("no knowledge base installed yet: log inspection waits for one from the manager");
                }
                return null;
            }
            Set<Path> files = new LinkedHashSet<>(logs);
            if (Boolean.parseBoolean(settings.get("loginspection.enabled"))) {
                PolicySettings.paths(settings.get("loginspection.files")).stream().map(Path::of).filter(Files::exists).forEach(files::add);
            }
            boolean followJournal = journal || Boolean.parseBoolean(settings.get("loginspection.journal"));
            LogWatcher.JournalSource js = followJournal
                    ? new LogWatcher.JournalSource(JournalReader.sourceFor(null, null), false) : null;
            modules.add("loginspection");
            Set<String> off = RuleSwitchSink.switchedOff(settings);
            System.err.printf("log inspection: %s%s with knowledge base %d%s%n", files, followJournal ? " and the journal" : "", kb.version(),
                    off.isEmpty() ? "" : ", rules switched off by policy: " + off);
            return new LogWatcher(kb, List.copyOf(files), js, new LogPositionStore(store.root()), new RuleSwitchSink(spool, off), null);
        }
    }
}
