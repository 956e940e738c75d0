package dev.bulwark.engine.loginspection.ossec;

import java.util.List;

/**
 * One OSSEC/Wazuh decoder as the decoding pipeline runs it. Several children of one parent may
 * share a name (siblings): after one of them matches, the following siblings are tried too and
 * add their fields.
 *
 * @param programName matched against the syslog program name, or null
 * @param prematch    must match the message for the decoder to apply, or null
 * @param regexes     each extracts fields, in order, named by the {@code orders} entry at the same index
 * @param plugin      a built-in decoder run on the message ({@code JSON_Decoder}), or null
 * @param type        the category rules see, or null for {@code syslog}
 * @param where       file and line it was read from, for errors and traces
 * @param fts         the fields whose values, together, are remembered for {@code if_fts} rules
 *                    ("first time seen"): {@code name} (the decoder), {@code location}, or a field
 */
public record DecoderSpec(String name, String parent, PatternRef programName, PatternRef prematch, List<PatternRef> regexes,
                          List<List<String>> orders, String plugin, String pluginOffset, boolean useOwnName, String type,
                          String where, List<String> fts, String jsonNullField) {

    /** How the JSON decoder keeps a null: {@code string} (the text {@code null}, Wazuh's default when {@code <json_null_field>} is absent), {@code empty} or {@code discard}. */
    public String jsonNulls() {
        return jsonNullField == null ? "string" : jsonNullField;
    }

    public DecoderSpec {
        regexes = List.copyOf(regexes);
        orders = List.copyOf(orders);
        fts = fts == null ? List.of() : List.copyOf(fts);
    }
}
