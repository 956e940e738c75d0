package dev.bulwark.agent.cli;

import dev.bulwark.agent.linux.journald.JournalReader;
import dev.bulwark.agent.loginspection.LogWatcher;
import dev.bulwark.agent.report.EventSink;
import dev.bulwark.agent.report.JsonLinesSink;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.agent.store.LogPositionStore;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent logwatch FILE...}: follows log files through rotation and reports to the event sink. */
@Command(name = "logwatch", mixinStandardHelpOptions = true,
        description = {"Follow log files (rotation by rename or copytruncate, truncation, deletion) and write findings to the event sink.",
                "Positions are kept in the state directory: a restart neither loses nor repeats a line."})
final class LogWatchCommand implements Callable<Integer> {

    @CommandLine.Mixin
    AgentCommand.StateOption state;
    @CommandLine.Mixin
    AgentCommand.KnowledgeBaseSource source;
    @Parameters(paramLabel = "FILE", arity = "0..*")
    List<Path> files = List.of();
    @Option(names = "--journal", description = "also follow the systemd journal (journalctl -o json), resuming after the saved cursor")
    boolean journal;
    @Option(names = "--journal-directory", paramLabel = "DIR", description = "read the journal files in DIR instead of the system journal")
    Path journalDirectory;
    @Option(names = "--journal-file", paramLabel = "FILE", description = "read one journal file instead of the system journal")
    Path journalFile;
    @Option(names = "--from-start", description = "with no saved cursor, read the whole journal instead of starting at its end")
    boolean fromStart;
    @Option(names = "--sink", paramLabel = "FILE", description = "JSON-lines event sink (default: STATE/events/events.jsonl)")
    Path sinkFile;
    @Option(names = "--interval", defaultValue = "500", paramLabel = "MS", description = "poll interval (default: ${DEFAULT-VALUE} ms)")
    long interval;
    @Option(names = "--once", description = "read what is there now, report, commit, and exit")
    boolean once;
    @Option(names = "--host", paramLabel = "NAME", description = "host name for lines that carry none")
    String host;

    @Override
    public Integer call() throws Exception {
        AgentStateStore store = state.store();
        LoadedKnowledgeBase kb = source.require(store);
        Path sinkPath = sinkFile != null ? sinkFile : store.root().resolve("events/events.jsonl");
        boolean followJournal = journal || journalDirectory != null || journalFile != null;
        if (files.isEmpty() && !followJournal) {
            System.err.println("nothing to watch: give log files, --journal, or both");
            return ExitCodes.USAGE;
        }
        LogWatcher.JournalSource journalSource = followJournal
                ? new LogWatcher.JournalSource(JournalReader.sourceFor(journalDirectory, journalFile), fromStart) : null;
        AtomicBoolean stop = new AtomicBoolean(false);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            main.interrupt();
            try {
                main.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (EventSink sink = new JsonLinesSink(sinkPath);
             LogWatcher watcher = new LogWatcher(kb, files, journalSource, new LogPositionStore(store.root()), sink, host)) {
            do {
                int lines = watcher.pollOnce();
                if (lines > 0) {
                    var s = watcher.stats();
                    System.err.printf("%,d lines read (%,d in all), %,d findings, %,d verdicts -> %s%n", lines, watcher.linesTotal(), s.findings(), s.verdicts(), sinkPath);
                }
                if (once || stop.get()) {
                    break;
                }
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    break;
                }
            } while (!stop.get());
        } finally {
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return ExitCodes.OK;
    }
}
