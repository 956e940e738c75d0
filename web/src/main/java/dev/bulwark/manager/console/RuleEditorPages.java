package dev.bulwark.manager.console;

import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.manager.api.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The rule editor, for rule authors and admins: a DRL text with its cases, checked while typing
 * (problems listed at their line), fully checked and the cases run on demand, saved only when
 * everything passes. Built-in rules are read-only; "copy" starts an organisation rule from one.
 */
@Controller
@PreAuthorize("hasAnyRole('ADMIN', 'RULE_AUTHOR')")
public class RuleEditorPages {
    private final RuleWorkbench bench;
    private final ConsoleCatalog catalog;

    public RuleEditorPages(RuleWorkbench bench, ConsoleCatalog catalog) {
        this.bench = bench;
        this.catalog = catalog;
    }

    @GetMapping("/console/rules/editor")
    public String open(@RequestParam(required = false) String file, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String saved, Model model) {
        String drl = "";
        String cases = "";
        String f = file == null || file.isBlank() ? null : RuleWorkbench.file(file);
        if (f != null) {
            String[] text = bench.read(f).orElse(null);
            if (text != null) {
                drl = text[0];
                cases = text[1];
            }
        } else if (from != null && !from.isBlank()) {
            String id = Params.token("from", from);
            CatalogRule rule = catalog.get(id).orElseThrow(() -> new ApiException(404, "no-such-rule", "from", "the catalog has no rule " + id));
            drl = bench.copyOf(rule);
            f = "custom/" + id.toLowerCase().replaceAll("[^a-z0-9]+", "-") + ".drl";
        }
        model.addAttribute("file", f == null ? "custom/new-rule.drl" : f);
        model.addAttribute("drl", drl);
        model.addAttribute("cases", cases);
        model.addAttribute("lines", Math.max(20, drl.split("\n", -1).length + 2));
        if (saved != null) {
            model.addAttribute("info", "Saved. Publish a knowledge base to send it to the computers.");
        }
        return "console/rule-editor";
    }

    /** While typing: the file's parse and policy problems, each at its line. */
    @PostMapping("/console/rules/editor/lint")
    public String lint(@RequestParam String file, @RequestParam(required = false) String drl, Model model) {
        model.addAttribute("lint", bench.lint(file, drl));
        return "console/rule-editor :: lint";
    }

    /** On demand: everything compiled together and the cases run. */
    @PostMapping("/console/rules/editor/check")
    public String check(@RequestParam String file, @RequestParam(required = false) String drl, @RequestParam(required = false) String cases,
                        Model model) {
        model.addAttribute("check", bench.check(file, drl, cases));
        return "console/rule-editor :: check";
    }

    @PostMapping("/console/rules/editor")
    public String save(@RequestParam String file, @RequestParam(required = false) String drl, @RequestParam(required = false) String cases,
                       Principal who, Model model, HttpServletResponse response) {
        String f = RuleWorkbench.file(file);
        RuleWorkbench.Check check = bench.save(who.getName(), f, drl, cases);
        if (check.passed()) {
            return "redirect:/console/rules/editor?saved&file=" + f;
        }
        response.setStatus(422);
        model.addAttribute("file", f);
        model.addAttribute("drl", RuleWorkbench.text("drl", drl));
        model.addAttribute("cases", RuleWorkbench.text("cases", cases));
        model.addAttribute("lines", Math.max(20, RuleWorkbench.text("drl", drl).split("\n", -1).length + 2));
        model.addAttribute("check", check);
        model.addAttribute("problem", "Not saved: fix the problems below first.");
        return "console/rule-editor";
    }
}
