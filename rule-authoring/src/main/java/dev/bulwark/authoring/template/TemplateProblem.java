package dev.bulwark.authoring.template;

/**
 * Something wrong in a template, where it is.
 *
 * @param pointer JSON pointer to the value ({@code /when/srcIp}); empty for the whole document
 * @param line    1-based line in the file, 0 when unknown
 * @param column  1-based column in the file, 0 when unknown
 */
public record TemplateProblem(String origin, String pointer, int line, int column, String message) {

    @Override
    public String toString() {
        return origin + (line > 0 ? ":" + line + ":" + column : "") + ": " + (pointer.isEmpty() ? "" : pointer + ": ") + message;
    }
}
