package dev.bulwark.manager.console;

import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.events.EventStore;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
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
    /** How many recent events a what-if replays. */
    static final int WHAT_IF_EVENTS = 1000;

    private final RuleWorkbench bench;
    private final ConsoleCatalog catalog;
    private final EventStore events;

    public RuleEditorPages(RuleWorkbench bench, ConsoleCatalog catalog, EventStore events) {
        this.bench = bench;
        this.catalog = catalog;
        this.events = events;
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
        editor(model, f == null ? "custom/new-rule.drl" : f, drl, cases);
        if (saved != null) {
            model.addAttribute("info", "Saved. Publish a knowledge base to send it to the computers.");
        }
        return "console/rule-editor";
    }

    /** A new rule from a template form: the kinds as tabs, the chosen kind's fields. */
    @GetMapping("/console/rules/new")
    public String template(@RequestParam(required = false) String template, Model model) {
        String kind = template == null || template.isBlank() ? "log" : Params.choice("template", template, List.copyOf(TemplateForms.KINDS.keySet()));
        return templateForm(kind, Map.of(), Map.of(), model);
    }

    private String templateForm(String kind, Map<String, List<String>> values, Map<String, String> problems, Model model) {
        model.addAttribute("kind", kind);
        model.addAttribute("kinds", TemplateForms.TITLES);
        model.addAttribute("fields", TemplateForms.KINDS.get(kind));
        model.addAttribute("values", values);
        model.addAttribute("problems", problems);
        return "console/rule-new";
    }

    /** Generates the rule; it opens in the editor (nothing is saved yet), or the form comes back with each problem at its field. */
    @PostMapping("/console/rules/new")
    public String generate(@RequestParam String template, @RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response) {
        String kind = Params.choice("template", template, List.copyOf(TemplateForms.KINDS.keySet()));
        TemplateForms.Outcome out = TemplateForms.generate(kind, form);
        if (out.drl() == null) {
            response.setStatus(422);
            return templateForm(kind, form, out.problems(), model);
        }
        editor(model, "custom/" + out.drl().path(), out.drl().text(), ""); // KIND/ID.drl, the name bulwark-rules new gives it
        model.addAttribute("info", "Generated from the " + kind + " template. Add cases that show when it fires, check, then save.");
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

    /** What-if: the recent events of the edited rules' module (every module's when they name several), replayed through the edited rules. */
    @PostMapping("/console/rules/editor/whatif")
    public String whatIf(@RequestParam String file, @RequestParam(required = false) String drl, Model model) {
        model.addAttribute("whatif", bench.whatIf(file, drl,
                module -> events.find(new EventStore.Query(null, module, null, null, null, null, null, WHAT_IF_EVENTS, 0))));
        return "console/rule-editor :: whatif";
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
        editor(model, f, RuleWorkbench.text("drl", drl), RuleWorkbench.text("cases", cases));
        model.addAttribute("check", check);
        model.addAttribute("problem", "Not saved: fix the problems below first.");
        return "console/rule-editor";
    }

    /** The editor page's text: the file, its DRL (with room to grow) and its cases. */
    private static void editor(Model model, String file, String drl, String cases) {
        model.addAttribute("file", file);
        model.addAttribute("drl", drl);
        model.addAttribute("cases", cases);
        model.addAttribute("lines", Math.max(20, drl.split("\n", -1).length + 2));
    }
}
