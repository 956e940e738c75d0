package dev.bulwark.manager.console;

import dev.bulwark.manager.security.AppUserRepository;
import dev.bulwark.manager.security.Role;
import dev.bulwark.manager.security.UserController;
import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Administration: people and their roles. Only administrators reach these pages (the security chain
 * and here); creating a person goes through the same checks and audit as the API.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
public class AdminPages {
    private final AppUserRepository users;
    private final UserController accounts;

    public AdminPages(AppUserRepository users, UserController accounts) {
        this.users = users;
        this.accounts = accounts;
    }

    @GetMapping("/console/admin/users")
    public String users(Model model) {
        model.addAttribute("users", users.findAll(Sort.by("username")));
        model.addAttribute("roles", Arrays.stream(Role.values()).map(r -> r.name().toLowerCase().replace('_', '-')).toList());
        return "console/users";
    }

    /** Creates a person with a generated password, shown once on the page that answers. */
    @PostMapping("/console/admin/users")
    public String create(@RequestParam String username, @RequestParam String role, Principal who, Model model) {
        Map<String, String> created = accounts.create(new UserController.NewUser(username, role), who);
        model.addAttribute("created", created.get("username"));
        model.addAttribute("password", created.get("password"));
        return users(model);
    }
}
