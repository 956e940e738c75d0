package dev.bulwark.manager.api;

import dev.bulwark.agent.protocol.Messages.ProtocolError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Renders every refusal as {@code {"code", "message", "field"}}; an unexpected failure says only that it happened. */
@RestControllerAdvice(annotations = org.springframework.web.bind.annotation.RestController.class)
public class ApiExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    public ResponseEntity<ProtocolError> refused(ApiException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(new ProtocolError(e.code(), e.getMessage(), e.field()));
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    public ResponseEntity<ProtocolError> badParameter(Exception e) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName()
                : ((MissingServletRequestParameterException) e).getParameterName();
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(new ProtocolError("bad-parameter", "parameter '" + name + "' is missing or has the wrong type", name));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<ProtocolError> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(new ProtocolError("bad-json", "the body is not the JSON this call takes", null));
    }

    @ExceptionHandler(AccessDeniedException.class)
    public ResponseEntity<ProtocolError> denied(AccessDeniedException e) {
        return ResponseEntity.status(403).contentType(MediaType.APPLICATION_JSON)
                .body(new ProtocolError("forbidden", "your role may not do this", null));
    }

    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<ProtocolError> unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return ResponseEntity.status(500).contentType(MediaType.APPLICATION_JSON)
                .body(new ProtocolError("internal", "the manager failed on this request; see its log", null));
    }
}
