package dev.bulwark.manager.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.manager.api.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an event batch ({@code {"stream": ..., "events": [{"seq", "time", "severity", "event"}, ...]}})
 * in one streaming pass. Each event object is parsed (the store needs its rule, kind and message)
 * and its exact text is kept from the request, so it is stored without being printed again.
 * Unknown fields and wrong types are refused naming {@code events[i].field}.
 */
final class EventBatchReader {

    /** One event of a batch: its fields, its parsed body and the body's text as the agent sent it. */
    record Incoming(long seq, String time, String severity, ObjectNode event, String eventText) {
    }

    record Batch(String stream, List<Incoming> events) {
    }

    private EventBatchReader() {
    }

    static Batch read(ObjectMapper json, byte[] body) {
        try (JsonParser p = json.getFactory().createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, null, "a batch is a JSON object");
            String stream = null;
            List<Incoming> events = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "stream" -> {
                        expect(t == JsonToken.VALUE_STRING, "stream", "stream is a string");
                        stream = p.getText();
                    }
                    case "events" -> {
                        expect(t == JsonToken.START_ARRAY, "events", "events is an array");
                        events = readEvents(json, p, body);
                    }
                    default -> throw ApiException.badRequest("bad-message", field, "unknown field '" + field + "' in an event batch");
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null, null, "trailing content after the batch");
            if (events == null) {
                throw ApiException.badRequest("bad-batch", "events", "a batch needs an events array");
            }
            return new Batch(stream, events);
        } catch (IOException e) {
            throw ApiException.badRequest("bad-json", null, "the body is not valid JSON: " + ApiException.firstLine(e.getMessage()));
        }
    }

    private static List<Incoming> readEvents(ObjectMapper json, JsonParser p, byte[] body) throws IOException {
        List<Incoming> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String where = "events[" + out.size() + "]";
            if (out.size() >= ProtocolLimits.MAX_BATCH_EVENTS) {
                throw new ApiException(413, "batch-too-large", "events", "at most " + ProtocolLimits.MAX_BATCH_EVENTS + " events per batch; split it");
            }
            expect(p.currentToken() == JsonToken.START_OBJECT, where, "each event is a JSON object");
            long seq = -1;
            String time = null;
            String severity = null;
            ObjectNode event = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "seq" -> {
                        expect(t == JsonToken.VALUE_NUMBER_INT, where + ".seq", "seq is a whole number");
                        seq = p.getLongValue();
                    }
                    case "time" -> {
                        expect(t == JsonToken.VALUE_STRING, where + ".time", "time is a string");
                        time = p.getText();
                    }
                    case "severity" -> {
                        expect(t == JsonToken.VALUE_STRING, where + ".severity", "severity is a string");
                        severity = p.getText();
                    }
                    case "event" -> {
                        expect(t == JsonToken.START_OBJECT, where + ".event", "event is a JSON object");
                        long start = p.currentTokenLocation().getByteOffset();
                        JsonNode n = json.readTree(p);
                        long end = p.currentLocation().getByteOffset();
                        event = (ObjectNode) n;
                        text = start >= 0 && end > start ? new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8) : n.toString();
                    }
                    default -> throw ApiException.badRequest("bad-message", where + "." + field, "unknown field '" + field + "' in an event");
                }
            }
            out.add(new Incoming(seq, time, severity, event, text));
        }
        return out;
    }

    private static void expect(boolean ok, String field, String message) {
        if (!ok) {
            throw ApiException.badRequest("bad-message", field, message);
        }
    }
}
