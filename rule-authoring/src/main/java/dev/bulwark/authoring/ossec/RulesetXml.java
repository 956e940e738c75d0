package dev.bulwark.authoring.ossec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a ruleset file the way OSSEC and Wazuh read their own: not as strict XML. Their files hold
 * several top-level elements, write {@code --} inside comments, and keep pattern text raw: {@code &}
 * is literal and a {@code <} inside text is written {@code \<}. So this reader takes element text
 * verbatim up to the next unescaped tag, ends a comment at the first {@code -->}, and decodes no
 * entities at all (which also means no entity can fetch anything). Hostile files are bounded: size,
 * nesting depth, and any DOCTYPE or ENTITY declaration is refused. Every error names the line.
 */
public final class RulesetXml {

    /** Largest ruleset file read; the largest in Wazuh 4.14 is under 1 MB. */
    public static final long MAX_FILE_BYTES = 16L << 20;
    private static final int MAX_DEPTH = 32;

    private final String file;
    private final String s;
    private int pos;
    private int line = 1;

    private RulesetXml(String file, String text) {
        this.file = file;
        this.s = text;
    }

    /** The file's top-level elements, in order. */
    public static List<XmlElement> read(Path path) throws RulesetException {
        String name = path.toString();
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new RulesetException(name, 0, "file is larger than " + MAX_FILE_BYTES + " bytes", null);
            }
            return new RulesetXml(name, Files.readString(path, StandardCharsets.UTF_8)).document();
        } catch (IOException e) {
            throw new RulesetException(name, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    private List<XmlElement> document() throws RulesetException {
        List<XmlElement> top = new ArrayList<>();
        if (s.startsWith("\uFEFF")) {
            pos = 1;
        }
        while (pos < s.length()) {
            if (skipMarkup()) {
                continue;
            }
            char c = s.charAt(pos);
            if (c == '<') {
                if (s.startsWith("</", pos)) {
                    throw error("closing tag without an open element");
                }
                top.add(element(0));
            } else {
                advance(1); // stray text between top-level elements: ignored, as OSSEC does
            }
        }
        return top;
    }

    /** Skips a comment, an XML declaration or processing instruction; refuses DOCTYPE/ENTITY. */
    private boolean skipMarkup() throws RulesetException {
        if (s.startsWith("<!--", pos)) {
            int end = s.indexOf("-->", pos + 4);
            if (end < 0) {
                throw error("comment never closed");
            }
            advanceTo(end + 3);
            return true;
        }
        if (s.startsWith("<?", pos)) {
            int end = s.indexOf("?>", pos + 2);
            if (end < 0) {
                throw error("declaration never closed");
            }
            advanceTo(end + 2);
            return true;
        }
        if (s.startsWith("<!", pos)) {
            throw error("DOCTYPE and ENTITY declarations are not accepted in ruleset files");
        }
        return false;
    }

    private XmlElement element(int depth) throws RulesetException {
        if (depth > MAX_DEPTH) {
            throw error("elements nested deeper than " + MAX_DEPTH);
        }
        int startLine = line;
        advance(1); // '<'
        String name = name();
        if (name.isEmpty()) {
            throw error("'<' not followed by an element name (write \\< for a literal '<' in a pattern)");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (pos >= s.length()) {
                throw new RulesetException(file, startLine, "<" + name + "> never closed", null);
            }
            if (s.startsWith("/>", pos)) {
                advance(2);
                return new XmlElement(name, attributes, "", List.of(), file, startLine);
            }
            if (s.charAt(pos) == '>') {
                advance(1);
                break;
            }
            String key = name();
            if (key.isEmpty()) {
                throw error("unexpected '" + s.charAt(pos) + "' in <" + name + ">");
            }
            skipSpace();
            String value = "";
            if (pos < s.length() && s.charAt(pos) == '=') {
                advance(1);
                skipSpace();
                value = attributeValue();
            }
            attributes.put(key, value);
        }
        StringBuilder text = new StringBuilder();
        List<XmlElement> children = new ArrayList<>();
        while (true) {
            if (pos >= s.length()) {
                throw new RulesetException(file, startLine, "<" + name + "> never closed", null);
            }
            if (skipMarkup()) {
                continue;
            }
            char c = s.charAt(pos);
            if (c == '<' && !escaped(pos)) {
                if (s.startsWith("</", pos)) {
                    int closeLine = line;
                    advance(2);
                    String closing = name();
                    skipSpace();
                    if (!closing.equals(name) || pos >= s.length() || s.charAt(pos) != '>') {
                        throw new RulesetException(file, closeLine, "expected </" + name + "> (opened at line " + startLine + ") but found </" + closing, null);
                    }
                    advance(1);
                    return new XmlElement(name, attributes, content(text), children, file, startLine);
                }
                children.add(element(depth + 1));
                continue;
            }
            text.append(c);
            advance(1);
        }
    }

    /** A '<' is literal text when an odd number of backslashes precedes it ({@code \<}, but not {@code \\<}). */
    private boolean escaped(int at) {
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private String name() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isWhitespace(c) || c == '/' || c == '>' || c == '=' || c == '<') {
                break;
            }
            pos++;
        }
        return s.substring(start, pos);
    }

    private String attributeValue() throws RulesetException {
        if (pos < s.length() && (s.charAt(pos) == '"' || s.charAt(pos) == '\'')) {
            char quote = s.charAt(pos);
            int end = s.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("attribute value never closed");
            }
            String v = s.substring(pos + 1, end);
            advanceTo(end + 1);
            return v;
        }
        int start = pos;
        while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && s.charAt(pos) != '>' && !s.startsWith("/>", pos)) {
            pos++;
        }
        return s.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            advance(1);
        }
    }

    private void advance(int n) {
        for (int i = 0; i < n && pos < s.length(); i++) {
            if (s.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private void advanceTo(int target) {
        advance(target - pos);
    }

    private RulesetException error(String message) {
        return new RulesetException(file, line, message, null);
    }

    /**
     * An element's text as OSSEC reads it: spaces at its ends are part of a pattern
     * ({@code <prematch>^%\w+: </prematch>}), so only the line breaks and indentation of an element
     * written over several lines are dropped.
     */
    static String content(CharSequence raw) {
        String t = raw.toString();
        if (t.isBlank()) {
            return "";
        }
        t = t.replaceFirst("^[ \\t]*\\R\\s*", "").replaceFirst("\\s*\\R[ \\t]*$", "");
        return t;
    }
}
