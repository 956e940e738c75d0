package dev.bulwark.engine.build;

import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.integrity.MonitorSpec;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.policy.DrlPolicy;
import dev.bulwark.engine.policy.DrlSource;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.engine.policy.RuleProblem.Kind;
import dev.bulwark.engine.policy.RuleShapeLint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.builder.model.KieModuleModel;
import org.kie.api.conf.EventProcessingOption;

/**
 * DRL to executable-model KJAR. Every file passes the {@link DrlPolicy} and every rule must carry
 * valid, unique metadata before the Drools compiler sees anything; compiler errors come back as
 * {@link RuleProblem}s with the file and line of the DRL.
 */
public final class KnowledgeBaseCompiler {

    /** Ids look like {@code LI-SSH-0001}: a module prefix and at least one more segment, upper case. */
    public static final Pattern ID_FORMAT = Pattern.compile("[A-Z][A-Z0-9]*(-[A-Z0-9]+)+");

    private static final ReleaseId RELEASE = KieServices.get().newReleaseId("dev.bulwark.kb", "rules", "1");
    private static final String RESOURCE_ROOT = "src/main/resources/";

    private final DrlPolicy policy;

    public KnowledgeBaseCompiler(DrlPolicy policy) {
        this.policy = policy;
    }

    public KnowledgeBaseCompiler() {
        this(DrlPolicy.standard());
    }

    public CompiledKnowledgeBase compile(List<DrlSource> sources) throws RuleBuildException {
        List<RuleProblem> problems = new ArrayList<>();
        List<DrlPolicy.Checked> checked = new ArrayList<>();
        for (DrlSource source : sources) {
            DrlPolicy.Checked c = policy.checkAndParse(source);
            checked.add(c);
            problems.addAll(c.problems());
        }
        List<RuleMetadata> rules = readMetadata(checked, problems);
        if (problems.stream().anyMatch(RuleProblem::isError)) {
            throw new RuleBuildException(problems);
        }
        List<RuleProblem> warnings = new ArrayList<>(problems);
        warnings.addAll(RuleShapeLint.check(checked));
        return new CompiledKnowledgeBase(compileKjar(checked), rules, warnings);
    }

    /** A parsed rule's annotations by name, as {@link RuleMetadata#fromAnnotations} reads them. */
    public static Map<String, Object> annotationValues(RuleDescr rule) {
        Map<String, Object> values = new HashMap<>();
        for (AnnotationDescr a : rule.getAnnotations()) {
            values.put(a.getName(), a.getSingleValueAsString());
        }
        return values;
    }

    /** Validates and collects each rule's annotations; reports missing, invalid and duplicate metadata. */
    private static List<RuleMetadata> readMetadata(List<DrlPolicy.Checked> checked, List<RuleProblem> problems) {
        List<RuleMetadata> rules = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (DrlPolicy.Checked c : checked) {
            if (c.parsed().isEmpty()) {
                continue;
            }
            PackageDescr pkg = c.parsed().get();
            String path = c.source().path();
            for (RuleDescr rule : pkg.getRules()) {
                if (rule.isQuery()) {
                    continue;
                }
                Map<String, Object> values = annotationValues(rule);
                RuleMetadata md;
                try {
                    md = RuleMetadata.fromAnnotations(pkg.getName(), rule.getName(), values);
                } catch (NumberFormatException e) {
                    problems.add(RuleProblem.error(Kind.INVALID_METADATA, null, path, rule.getLine(), rule.getColumn() + 1,
                            "rule '" + rule.getName() + "': @cvss must be a number from 0.0 to 10.0"));
                    continue;
                }
                int line = rule.getLine();
                int col = rule.getColumn() + 1;
                if (md.id() == null || md.id().isBlank()) {
                    problems.add(RuleProblem.error(Kind.MISSING_METADATA, null, path, line, col,
                            "rule '" + rule.getName() + "' has no @id; every rule needs a stable id such as @id(\"LI-SSH-0001\")"));
                    continue;
                }
                if (!ID_FORMAT.matcher(md.id()).matches()) {
                    problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), path, line, col,
                            "@id \"" + md.id() + "\" is not of the form PREFIX-NAME-0001 (upper case letters, digits and dashes)"));
                }
                String first = seen.putIfAbsent(md.id(), path + ":" + line);
                if (first != null) {
                    problems.add(RuleProblem.error(Kind.DUPLICATE_ID, md.id(), path, line, col,
                            "@id \"" + md.id() + "\" is already used at " + first + "; ids are unique and stable forever"));
                }
                if (md.title() == null || md.title().isBlank()) {
                    problems.add(RuleProblem.error(Kind.MISSING_METADATA, md.id(), path, line, col, "rule has no @title"));
                }
                try {
                    ProtectionModule.fromId(md.module());
                } catch (IllegalArgumentException e) {
                    problems.add(RuleProblem.error(md.module() == null ? Kind.MISSING_METADATA : Kind.INVALID_METADATA, md.id(), path, line, col,
                            "@module: " + (md.module() == null ? "missing; " : "") + e.getMessage()));
                }
                try {
                    Severity.parse(md.severity());
                } catch (IllegalArgumentException e) {
                    problems.add(RuleProblem.error(md.severity() == null ? Kind.MISSING_METADATA : Kind.INVALID_METADATA, md.id(), path, line, col,
                            "@severity: " + e.getMessage()));
                }
                if (values.containsKey(MonitorSpec.MONITOR_ENTITIES)) {
                    try {
                        MonitorSpec.entityTypes(RuleMetadata.unquote(values.get(MonitorSpec.MONITOR_ENTITIES)));
                    } catch (IllegalArgumentException e) {
                        problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), path, line, col, "@monitorEntities: " + e.getMessage()));
                    }
                }
                if (values.containsKey(MonitorSpec.MONITOR)) {
                    try {
                        MonitorSpec.fromAnnotations(md.id(), values);
                        if (!"integrity".equals(md.module())) {
                            problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), path, line, col,
                                    "@monitor belongs on integrity rules (@module(\"integrity\"))"));
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), path, line, col, e.getMessage()));
                    }
                }
                if (md.cvss() != null && (md.cvss() < 0 || md.cvss() > 10)) {
                    problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), path, line, col, "@cvss must be from 0.0 to 10.0"));
                }
                rules.add(md);
            }
        }
        return rules;
    }

    /**
     * Compiles checked files. Each is placed in the KJAR under its package's folder (Drools expects
     * the two to match); problems are reported with the author's own path.
     */
    private static byte[] compileKjar(List<DrlPolicy.Checked> checked) throws RuleBuildException {
        KieServices ks = KieServices.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(RELEASE);
        KieModuleModel module = ks.newKieModuleModel();
        // Externalised lambdas fail to generate on JDK 25 with Drools 10.2 (IndexOutOfBounds in
        // ExecModelLambdaPostProcessor for any constraint); inline lambdas compile and run the same.
        module.setConfigurationProperty("drools.externaliseCanonicalModelLambda", "false");
        module.newKieBaseModel("bulwark").setDefault(true).setEventProcessingMode(EventProcessingOption.STREAM)
                .addPackage("*").newKieSessionModel("bulwark-session").setDefault(true);
        kfs.writeKModuleXML(module.toXML());
        Map<String, String> authorPath = new HashMap<>();
        for (DrlPolicy.Checked c : checked) {
            String pkg = c.parsed().map(PackageDescr::getName).orElse("");
            String file = c.source().path().substring(c.source().path().lastIndexOf('/') + 1);
            String kjarPath = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + file;
            if (authorPath.putIfAbsent(kjarPath, c.source().path()) != null) {
                kjarPath = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + authorPath.size() + "-" + file;
                authorPath.put(kjarPath, c.source().path());
            }
            kfs.write(RESOURCE_ROOT + kjarPath, c.source().text());
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            List<RuleProblem> problems = new ArrayList<>();
            for (Message m : errors) {
                String inKjar = m.getPath() == null ? "" : m.getPath().replaceFirst("^" + Pattern.quote(RESOURCE_ROOT), "");
                String path = authorPath.getOrDefault(inKjar, inKjar);
                problems.add(RuleProblem.error(Kind.COMPILE_ERROR, null, path, m.getLine(), m.getColumn(), firstLines(m.getText())));
            }
            throw new RuleBuildException(problems);
        }
        return ((InternalKieModule) builder.getKieModule()).getBytes();
    }

    private static String firstLines(String text) {
        if (text == null) {
            return "";
        }
        String[] lines = text.split("\n");
        return lines.length <= 3 ? text.trim() : String.join("\n", List.of(lines).subList(0, 3)).trim() + " ...";
    }
}
