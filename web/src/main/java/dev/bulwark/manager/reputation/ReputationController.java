package dev.bulwark.manager.reputation;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** People's side of file reputation: look one hash up; admins import verdicts as CSV ({@code sha256,verdict,name}). */
@RestController
public class ReputationController {
    private final FileReputation reputation;

    public ReputationController(FileReputation reputation) {
        this.reputation = reputation;
    }

    @GetMapping("/api/reputation/{sha256}")
    public FileReputation.Verdict one(@PathVariable String sha256) {
        return reputation.lookup(List.of(sha256)).getFirst();
    }

    @PostMapping(path = "/api/reputation", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    @PreAuthorize("hasRole('ADMIN')")
    public Map<String, Object> importCsv(@RequestBody String csv, @RequestParam(defaultValue = "import") String source, Principal who) {
        return Map.of("imported", reputation.importCsv(who.getName(), source, csv), "source", source);
    }
}
