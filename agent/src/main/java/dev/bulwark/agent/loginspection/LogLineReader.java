package dev.bulwark.agent.loginspection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines without trusting it: a line longer than {@code maxBytes} is cut
 * (the rest skipped up to the next newline, and the cut reported), invalid UTF-8 becomes U+FFFD
 * instead of an error, and nothing is lost or merged: every newline ends exactly one line.
 * Not thread-safe.
 */
public final class LogLineReader implements AutoCloseable {

    /** One line and whether it was cut. {@code offset} is the byte offset just after its newline. */
    public record Line(String text, boolean truncated, long offset) {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long consumed;
    private final byte[] line;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);

    public LogLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.line = new byte[maxBytes];
    }

    /** The next line, or null at the end of the stream. A last line without a newline is returned too. */
    public Line next() throws IOException {
        int len = 0;
        boolean truncated = false;
        boolean sawAny = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return sawAny ? new Line(decode(len), truncated, consumed) : null;
                }
            }
            sawAny = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int chunk = pos - start;
            int room = maxBytes - len;
            if (chunk > room) {
                truncated = true;
                chunk = room;
            }
            System.arraycopy(buf, start, line, len, chunk);
            len += chunk;
            consumed += pos - start;
            if (pos < limit) {
                pos++;
                consumed++;
                return new Line(decode(len), truncated, consumed);
            }
        }
    }

    private String decode(int len) throws CharacterCodingException {
        int end = len;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        utf8.reset();
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(line, 0, end));
        return chars.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
