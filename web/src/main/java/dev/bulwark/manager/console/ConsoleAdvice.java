package dev.bulwark.manager.console;

import dev.bulwark.manager.api.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * What every console page knows about the person looking at it (name, role, what the role may do,
 * so a page offers only actions that will be allowed), and how a refused or failed request is shown:
 * an error page with the status and a readable reason, never a stack trace or raw JSON.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
public class ConsoleAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAdvice.class);

    /** The signed-in person and the actions their role allows. */
    public record Me(String name, String role, boolean admin, boolean canPublish, boolean canCommand) {
        static Me of(Authentication auth) {
            if (auth == null) {
                return new Me("", "", false, false, false);
            }
            Set<String> roles = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
            boolean admin = roles.contains("ROLE_ADMIN");
            String role = roles.stream().filter(r -> r.startsWith("ROLE_")).map(r -> r.substring(5).toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .findFirst().orElse("");
            return new Me(auth.getName(), role, admin, admin || roles.contains("ROLE_RULE_AUTHOR"), admin || roles.contains("ROLE_ANALYST"));
        }
    }

    @ModelAttribute("me")
    public Me me(Authentication auth) {
        return Me.of(auth);
    }

    /**
     * The console's error page: status, title and a readable reason. Exception handlers get a fresh
     * model, without the {@code @ModelAttribute}s, so the page header is told here who is looking.
     */
    static String errorPage(Model model, HttpServletResponse response, int status, String title, String message) {
        model.addAttribute("me", Me.of(SecurityContextHolder.getContext().getAuthentication()));
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("title", title);
        model.addAttribute("message", message);
        return "console/error";
    }

    static final String NOT_ALLOWED = "Your role may not open this page or do this. An administrator can change your role.";

    @ExceptionHandler(ApiException.class)
    public String refused(ApiException e, Model model, HttpServletResponse response) {
        return errorPage(model, response, e.status(), e.status() == 404 ? "Not found" : e.status() == 409 ? "Conflict" : "Cannot do that", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public String badParameter(MethodArgumentTypeMismatchException e, Model model, HttpServletResponse response) {
        return refused(ApiException.badRequest("bad-parameter", e.getName(), "parameter '" + e.getName() + "' has the wrong form"), model, response);
    }

    @ExceptionHandler(AccessDeniedException.class)
    public String denied(Model model, HttpServletResponse response) {
        return errorPage(model, response, 403, "Not allowed", NOT_ALLOWED);
    }

    @ExceptionHandler(RuntimeException.class)
    public String failed(RuntimeException e, Model model, HttpServletResponse response) {
        LOG.error("console request failed", e);
        return errorPage(model, response, 500, "Something failed", "The manager could not complete this request; its log has the details.");
    }
}
