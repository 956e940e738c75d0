package dev.bulwark.authoring.logtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The input side both logtest modes share: lines from a file or standard input, a blank line
 * starting afresh (no state carries across it), every other line judged and printed as one line.
 */
final class LineLoop {

    private LineLoop() {
    }

    static void run(Path file, Runnable reset, Function<String, String> judge) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try (BufferedReader in = file == null ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    reset.run();
                } else {
                    out.println(judge.apply(line));
                }
            }
        }
    }
}
