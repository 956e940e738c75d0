package dev.bulwark.agent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The workload the build runs once under {@code -XX:AOTCacheOutput} to make the agent's JDK 25
 * ahead-of-time cache ({@code agent/target/agent.aot}, used by {@code bin/bulwark-agent}): the
 * classes an integrity command loads and links, and the method profiles of its hot paths, are then
 * read from the cache at start instead of being loaded, verified and profiled again. It runs the
 * real commands on a generated tree: a baseline, an unchanged check, a check after changes of each
 * kind (content, mode, a new file, a deleted one), as text and as JSON. It needs no knowledge base and
 * writes only under a temporary directory, which it removes.
 */
public final class AotTraining {

    private static final int DIRECTORIES = 40;
    private static final int FILES_PER_DIRECTORY = 50;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("bulwark-aot-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        // the commands print to System.out and System.err; none of it belongs in the build's log
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(discard);
        System.setErr(discard);
        try {
            Path tree = work.resolve("tree");
            makeTree(tree);
            List<String> where = List.of("--state", work.resolve("state").toString(), "--store", work.resolve("store").toString());
            expect(0, "fim", "baseline", "--path", tree.toString(), where);
            for (int round = 0; round < 3; round++) {
                expect(0, "fim", "check", null, where);
            }
            Files.writeString(tree.resolve("d0001/f0001"), "changed content\n");
            Files.setPosixFilePermissions(tree.resolve("d0002/f0002"), PosixFilePermissions.fromString("rw-------"));
            Files.delete(tree.resolve("d0003/f0003"));
            Files.writeString(tree.resolve("d0004/new"), "a new file\n");
            expect(ExitCodes.RESULTS, "fim", "check", "--no-update", where);
            expect(ExitCodes.RESULTS, "fim", "check", "--json", where);
            expect(0, "fim", "check", null, where);
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    private static void makeTree(Path tree) throws IOException {
        Random random = new Random(25);
        byte[] block = new byte[64 * 1024];
        for (int d = 0; d < DIRECTORIES; d++) {
            Path dir = Files.createDirectories(tree.resolve(String.format("d%04d", d)));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                random.nextBytes(block);
                int size = random.nextInt(block.length);
                Path file = dir.resolve(String.format("f%04d", f));
                Files.write(file, Arrays.copyOf(block, size));
            }
        }
        Files.createSymbolicLink(tree.resolve("link"), Path.of("d0000/f0000"));
        Files.writeString(tree.resolve("text"), "plain text\n", StandardCharsets.UTF_8);
    }

    /** Runs one agent command as {@code bin/bulwark-agent} would; fails the build on a surprise. */
    private static void expect(int exitCode, String command, String subcommand, String option, List<String> where) {
        List<String> argv = new ArrayList<>(List.of(command, subcommand));
        argv.addAll(where);
        if (option != null) {
            argv.add(option);
        }
        expect(exitCode, argv);
    }

    private static void expect(int exitCode, String command, String subcommand, String option, String value, List<String> where) {
        List<String> argv = new ArrayList<>(List.of(command, subcommand, option, value));
        argv.addAll(where);
        expect(exitCode, argv);
    }

    private static void expect(int exitCode, List<String> argv) {
        CommandLine cl = AgentCommand.commandLine();
        int got = cl.execute(argv.toArray(String[]::new));
        if (got != exitCode) {
            throw new IllegalStateException("AOT training: bulwark-agent " + String.join(" ", argv) + " exited " + got + ", expected " + exitCode);
        }
    }
}
