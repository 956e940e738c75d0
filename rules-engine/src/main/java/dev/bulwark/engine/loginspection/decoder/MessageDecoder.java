package dev.bulwark.engine.loginspection.decoder;

/**
 * Decodes the message part of one program's log lines. Returns false when the message is not
 * one it knows (the event is still reported, with the program but no action).
 */
interface MessageDecoder {
    /** The decoder name events carry ({@code LogEvent.decoder}). */
    String name();

    boolean decode(String message, Fields out);
}
