package dev.bulwark.authoring.ossec;

import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OSSEC/Wazuh ruleset read from its folders, imported and ready to run: the decoder pipeline
 * and the DRL (which the caller compiles together with any other rules), plus everything the
 * reader, the importer and the decoder tree had to leave out.
 */
public record CompiledOssecRuleset(OssecDecoders decoders, List<DrlSource> sources, OssecImporter.Imported imported,
                                   List<String> problems) {

    /** Reads the trees in order (all decoders of every tree, then all rules, as Wazuh loads them) and imports them. */
    public static CompiledOssecRuleset read(List<Path> trees) throws IOException {
        OssecRuleset ruleset = new OssecRuleset();
        for (Path t : trees) {
            ruleset.addTree(t);
        }
        OssecImporter.Imported imported = OssecImporter.importRuleset(ruleset);
        OssecDecoders decoders = new OssecDecoders(imported.decoders(), imported.lists());
        List<String> problems = new ArrayList<>();
        ruleset.problems().forEach(p -> problems.add(p.toString()));
        imported.problems().forEach(p -> problems.add(p.toString()));
        decoders.problems().forEach(p -> problems.add(p.toString()));
        return new CompiledOssecRuleset(decoders, imported.sources(), imported, List.copyOf(problems));
    }

    /** Compiles the imported DRL alone (no other rules) through the standard policy and compiler. */
    public byte[] compile() throws RuleBuildException {
        return new KnowledgeBaseCompiler().compile(sources).kjar();
    }
}
