package dev.bulwark.authoring.template;

import java.util.List;

/** A template that does not validate; nothing was generated. */
public final class TemplateException extends Exception {

    private final List<TemplateProblem> problems;

    public TemplateException(List<TemplateProblem> problems) {
        super(problems.size() + " problem(s) in the template: " + problems.getFirst());
        this.problems = List.copyOf(problems);
    }

    public List<TemplateProblem> problems() {
        return problems;
    }
}
