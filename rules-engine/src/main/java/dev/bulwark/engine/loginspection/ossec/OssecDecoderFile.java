package dev.bulwark.engine.loginspection.ossec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * How imported OSSEC/Wazuh decoders travel inside a signed bundle: the {@link DecoderSpec}s that
 * loaded, in load order, and the CDB lists the imported rules look up ({@link OssecLists}), as
 * JSON under {@link #ENTRY} (below the bundle's {@code data/}). The
 * bundle's signature covers the file; reading it still checks every field and pattern again, so
 * a file that does not describe a usable decoder tree makes the bundle unloadable instead of
 * running with decoders silently missing.
 */
public final class OssecDecoderFile {

    /** The entry name below {@code data/}. */
    public static final String ENTRY = "loginspection/ossec/decoders.json";
    /** Format 2 added the lists; a format-1 file (decoders only) is still read. */
    public static final int FORMAT = 2;

    /** The file's content. */
    public record Content(int format, List<DecoderSpec> decoders, Map<String, Map<String, String>> lists) {
    }

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1 << 20).build()).build())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private OssecDecoderFile() {
    }

    public static byte[] write(List<DecoderSpec> decoders) {
        return write(decoders, OssecLists.NONE);
    }

    /** The decoders in use and their lists. */
    public static byte[] write(OssecDecoders decoders) {
        return write(decoders.specs(), decoders.lists());
    }

    public static byte[] write(List<DecoderSpec> decoders, OssecLists lists) {
        try {
            return JSON.writeValueAsBytes(new Content(FORMAT, decoders, lists.asMap()));
        } catch (IOException e) {
            throw new IllegalStateException("decoder specs did not serialise: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and rebuilds the decoder tree.
     *
     * @throws IllegalArgumentException naming what is wrong: not this format, or a decoder the tree
     *                                  would leave out (which a build never writes)
     */
    public static OssecDecoders read(byte[] bytes) {
        Content c;
        try {
            c = JSON.readValue(bytes, Content.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(ENTRY + " is not a decoder file: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(ENTRY + " is not a decoder file: " + e.getMessage());
        }
        if (c == null || c.format() < 1 || c.format() > FORMAT || c.decoders() == null) {
            throw new IllegalArgumentException(ENTRY + " has format " + (c == null ? "none" : c.format()) + "; this agent reads formats 1 to " + FORMAT);
        }
        OssecLists lists;
        try {
            lists = new OssecLists(c.lists() == null ? Map.of() : c.lists());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENTRY + ": " + e.getMessage());
        }
        OssecDecoders decoders = new OssecDecoders(c.decoders(), lists);
        if (!decoders.problems().isEmpty()) {
            throw new IllegalArgumentException(ENTRY + ": " + decoders.problems().size() + " decoder(s) unusable, first: " + decoders.problems().get(0));
        }
        return decoders;
    }
}
