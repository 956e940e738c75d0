package dev.bulwark.authoring.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** JSON pointer of every value (and key) in a YAML or JSON document to its 1-based line and column. */
public final class YamlLocations {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlLocations() {
    }

    public static Map<String, int[]> of(String text) throws IOException {
        Map<String, int[]> out = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken tok;
            while ((tok = p.nextToken()) != null) {
                if (tok == JsonToken.END_OBJECT || tok == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonLocation l = p.currentTokenLocation();
                String ptr = p.getParsingContext().pathAsPointer().toString();
                if (tok == JsonToken.START_OBJECT || tok == JsonToken.START_ARRAY) {
                    ptr = p.getParsingContext().getParent() == null ? "" : p.getParsingContext().getParent().pathAsPointer().toString();
                }
                out.putIfAbsent(ptr, new int[] {l.getLineNr(), l.getColumnNr()});
            }
        }
        return out;
    }
}
