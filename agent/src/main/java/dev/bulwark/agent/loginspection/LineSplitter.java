package dev.bulwark.agent.loginspection;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts bytes arriving in chunks into complete lines. A line longer than the bound is delivered cut
 * (and the rest skipped up to its newline); an unfinished last line waits for more bytes (or for
 * {@link #flushPartial} when its file will not grow again). Invalid UTF-8 becomes U+FFFD. Tracks
 * how many bytes the delivered lines covered, so a caller can commit exactly that offset.
 */
final class LineSplitter {

    /** A complete line: its text, whether it was cut, and the offset just after it. */
    record Line(String text, boolean truncated, long endOffset) {
    }

    private final int maxBytes;
    private final byte[] pending;
    private int pendingLength;
    private boolean skipping;
    private long committed;
    private long scanned;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);

    LineSplitter(int maxBytes, long startOffset) {
        this.maxBytes = maxBytes;
        this.pending = new byte[maxBytes];
        this.committed = startOffset;
        this.scanned = startOffset;
    }

    /** Offset just after the last complete line delivered. */
    long committedOffset() {
        return committed;
    }

    void accept(byte[] chunk, int length, Consumer<Line> out) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (chunk[i] == '\n') {
                append(chunk, start, i - start);
                scanned += i - start + 1;
                emit(out);
                start = i + 1;
            }
        }
        append(chunk, start, length - start);
        scanned += length - start;
    }

    /** Delivers an unfinished last line (its file was rotated away or deleted and will not grow). */
    void flushPartial(Consumer<Line> out) {
        if (pendingLength > 0 || skipping) {
            emit(out);
        }
    }

    private void append(byte[] b, int from, int len) {
        if (len <= 0) {
            return;
        }
        int room = maxBytes - pendingLength;
        if (len > room) {
            skipping = true;
            len = room;
        }
        System.arraycopy(b, from, pending, pendingLength, len);
        pendingLength += len;
    }

    private void emit(Consumer<Line> out) {
        int end = pendingLength;
        if (end > 0 && pending[end - 1] == '\r') {
            end--;
        }
        String text;
        try {
            text = utf8.reset().decode(ByteBuffer.wrap(pending, 0, end)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            text = new String(pending, 0, end, StandardCharsets.UTF_8);
        }
        boolean cut = skipping;
        pendingLength = 0;
        skipping = false;
        committed = scanned;
        out.accept(new Line(text, cut, committed));
    }
}
