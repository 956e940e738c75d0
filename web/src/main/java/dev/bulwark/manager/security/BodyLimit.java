package dev.bulwark.manager.security;

import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.manager.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a hard bound, so an oversized message is refused before it is held in memory. */
public final class BodyLimit {
    static final String SIGNED_BODY = "bulwark.signedBody";

    private BodyLimit() {
    }

    public static byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > ProtocolLimits.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(ProtocolLimits.MAX_BODY_BYTES + 1);
            if (body.length > ProtocolLimits.MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        }
    }

    /** The body the signature filter already read and verified. */
    public static byte[] signedBody(HttpServletRequest request) {
        Object b = request.getAttribute(SIGNED_BODY);
        if (!(b instanceof byte[] bytes)) {
            throw new ApiException(401, "unsigned", null, "this call must be signed by an enrolled agent");
        }
        return bytes;
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "body-too-large", null, "a message has at most " + ProtocolLimits.MAX_BODY_BYTES + " bytes; send smaller batches");
    }
}
