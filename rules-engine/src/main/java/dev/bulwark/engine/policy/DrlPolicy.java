package dev.bulwark.engine.policy;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ClassExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.InstanceOfExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.Name;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.SimpleName;
import com.github.javaparser.ast.expr.SuperExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithSimpleName;
import com.github.javaparser.ast.stmt.AssertStmt;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.LabeledStmt;
import com.github.javaparser.ast.stmt.LocalClassDeclarationStmt;
import com.github.javaparser.ast.stmt.LocalRecordDeclarationStmt;
import com.github.javaparser.ast.stmt.SynchronizedStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import dev.bulwark.engine.Explanation;
import dev.bulwark.engine.FactTypes;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.helper.Cidr;
import dev.bulwark.engine.helper.Glob;
import dev.bulwark.engine.helper.Patterns;
import dev.bulwark.engine.helper.Versions;
import dev.bulwark.engine.policy.RuleProblem.Kind;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AndDescr;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BehaviorDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.EntryPointDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExistsDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.ForallDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.MVELExprDescr;
import org.drools.drl.ast.descr.NotDescr;
import org.drools.drl.ast.descr.OrDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.PatternSourceDescr;
import org.drools.drl.ast.descr.QueryDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.ast.descr.TypeDeclarationDescr;
import org.drools.drl.ast.descr.TypeFieldDescr;
import org.drools.drl.ast.descr.WindowDeclarationDescr;
import org.drools.drl.ast.descr.WindowReferenceDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsError;
import org.drools.drl.parser.DroolsParserException;
import org.drools.drl.parser.ParserError;
import org.drools.mvel.parser.DrlxParser;
import org.drools.mvel.parser.MvelParser;
import org.drools.mvel.parser.ast.expr.InlineCastExpr;
import org.drools.mvel.parser.ast.expr.ModifyStatement;
import org.drools.mvel.parser.ast.expr.NullSafeMethodCallExpr;
import org.drools.mvel.parser.ast.expr.WithStatement;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * The gate every DRL passes before it is compiled. Drools runs consequences and constraints as
 * ordinary Java with no sandbox, so this is an allowlist: the file is parsed with Drools' own DRL
 * parser, every constraint and consequence with its DRLX/Java parser, and anything that is not a
 * project fact, result or helper type, or a short list of JDK value types, is refused with file,
 * line and column. Forbidden outright: functions, globals, custom accumulate code, MVEL dialect,
 * unicode escapes, qualified class names, reflection and class literals, threads, files and
 * sockets, loops other than for-each, and any use of the rule context other than handing it to
 * {@code Finding.raise}, {@code Verdict.decide} or {@code RuleAssignment.recommend}.
 *
 * <p>The policy is about escape, not cost: a rule that is slow but confined passes.
 */
public final class DrlPolicy {

    private static final Set<String> JDK_VALUE_TYPES = Set.of(
            "java.lang.String", "java.lang.Integer", "java.lang.Long", "java.lang.Double", "java.lang.Float",
            "java.lang.Short", "java.lang.Byte", "java.lang.Boolean", "java.lang.Character", "java.lang.Number",
            "java.lang.Math", "java.lang.CharSequence", "java.lang.StringBuilder",
            "java.util.List", "java.util.Map", "java.util.Set", "java.util.Collection", "java.util.ArrayList",
            "java.util.HashMap", "java.util.HashSet", "java.util.LinkedHashMap", "java.util.LinkedHashSet",
            "java.util.Optional", "java.util.Arrays",
            "java.time.Instant", "java.time.Duration", "java.time.LocalDate", "java.time.LocalDateTime",
            "java.time.ZonedDateTime", "java.time.ZoneOffset",
            "java.math.BigDecimal", "java.math.BigInteger");

    /** Names that never appear in a rule, whatever they would resolve to: the classic escapes. */
    private static final Set<String> DENIED_NAMES = Set.of(
            "System", "Runtime", "ProcessBuilder", "Process", "ProcessHandle", "Thread", "ThreadGroup", "ThreadLocal",
            "Class", "ClassLoader", "URLClassLoader", "Module", "ModuleLayer", "StackWalker", "SecurityManager",
            "Unsafe", "MethodHandles", "MethodHandle", "VarHandle", "Method", "Field", "Constructor", "Proxy",
            "File", "Files", "Path", "Paths", "FileSystems", "RandomAccessFile", "FileInputStream", "FileOutputStream",
            "FileReader", "FileWriter", "Socket", "ServerSocket", "DatagramSocket", "SocketChannel", "URL", "URI",
            "HttpClient", "InetAddress", "Executors", "ExecutorService", "ForkJoinPool", "CompletableFuture", "Timer",
            "ScriptEngineManager", "ObjectInputStream", "ObjectOutputStream", "InitialContext", "Introspector",
            "Compiler", "ToolProvider", "JavaCompiler", "Instrumentation", "Reflection", "kcontextImpl");

    /** Method names refused on any receiver: reflection, processes, class loading, threads, session internals. */
    private static final Set<String> DENIED_METHODS = Set.of(
            "getClass", "forName", "exec", "exit", "halt", "load", "loadLibrary", "getRuntime", "newInstance",
            "invoke", "invokeExact", "invokeWithArguments", "getMethod", "getMethods", "getDeclaredMethod",
            "getDeclaredMethods", "getField", "getFields", "getDeclaredField", "getDeclaredFields", "getConstructor",
            "getConstructors", "getDeclaredConstructor", "getDeclaredConstructors", "setAccessible", "getClassLoader",
            "getContextClassLoader", "getSystemClassLoader", "wait", "notify", "notifyAll", "start", "interrupt",
            "getKieRuntime", "getKieBase", "getWorkingMemory", "getEntryPoint", "getEntryPoints", "setGlobal",
            "getGlobal", "getGlobals", "getEnvironment", "getChannels", "getSessionClock", "dispose", "destroy",
            "getProperty", "getProperties", "setProperty", "getenv", "getInteger", "getLong", "getBoolean", "lookup",
            "defineClass", "readObject", "writeObject", "finalize", "clone", "getRuleBase", "getKnowledgeRuntime",
            "getRuntimeService", "getContext", "getRule", "getMatch",
            // Ways to reach a Class (and from it resources, modules, loaders) without naming one.
            "getDeclaringClass", "getComponentType", "componentType", "arrayType", "getSuperclass", "getInterfaces",
            "getEnclosingClass", "getNestHost", "asSubclass", "getResource", "getResourceAsStream", "getResources",
            "getModule", "getPackage", "getProtectionDomain", "describeConstable", "getEnumConstants");

    /** Calls a consequence may make without a receiver: emitting results and retiring its own state facts. */
    private static final Set<String> CONSEQUENCE_CALLS = Set.of("insert", "insertLogical", "delete", "retract");

    /** The only calls that may receive the rule context. */
    private static final Set<String> CONTEXT_TAKERS = Set.of("Finding.raise", "Verdict.decide", "RuleAssignment.recommend", "OssecRules.alert");
    private static final Set<String> CONTEXT_NAMES = Set.of("kcontext", "drools");

    private static final Set<String> ACCUMULATE_FUNCTIONS = Set.of(
            "count", "sum", "average", "min", "max", "collectList", "collectSet", "countDistinct");

    private static final Set<String> PRIMITIVES = Set.of("int", "long", "double", "float", "short", "byte", "boolean", "char", "var", "void");
    /** First segments that mark a qualified class name rather than a field path. */
    private static final Set<String> PACKAGE_ROOTS = Set.of("java", "javax", "jdk", "sun", "com", "org", "net", "dev", "io", "kotlin", "scala", "groovy", "jakarta");

    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u+[0-9a-fA-F]{4}");

    private final Set<String> allowedTypes;

    private DrlPolicy(Set<String> allowedTypes) {
        this.allowedTypes = Set.copyOf(allowedTypes);
    }

    /** The policy for Bulwark rules: project facts, results and helpers, plus JDK value types. */
    public static DrlPolicy standard() {
        Set<String> allowed = new HashSet<>(JDK_VALUE_TYPES);
        FactTypes.facts().forEach(c -> allowed.add(c.getName()));
        FactTypes.values().forEach(c -> allowed.add(c.getName()));
        for (Class<?> c : List.of(Finding.class, Verdict.class, RuleAssignment.class, Explanation.class,
                Cidr.class, Glob.class, Versions.class, Patterns.class, dev.bulwark.engine.helper.OsMatch.class,
                dev.bulwark.engine.loginspection.ossec.OssecRules.class)) {
            allowed.add(c.getName());
        }
        return new DrlPolicy(allowed);
    }

    public Set<String> allowedTypes() {
        return allowedTypes;
    }

    /** A checked file: its parse (absent when it does not parse) and every problem found. */
    public record Checked(DrlSource source, java.util.Optional<PackageDescr> parsed, List<RuleProblem> problems) {
        public boolean passed() {
            return problems.stream().noneMatch(RuleProblem::isError);
        }
    }

    /** Every problem in one file; an empty list means the file may be compiled. */
    public List<RuleProblem> check(DrlSource source) {
        return checkAndParse(source).problems();
    }

    /** Checks one file and keeps the parse, so callers that need the rules' structure do not parse again. */
    public Checked checkAndParse(DrlSource source) {
        List<RuleProblem> problems = new ArrayList<>();
        Matcher escape = UNICODE_ESCAPE.matcher(source.text());
        while (escape.find()) {
            int[] lc = lineColumn(source.text(), escape.start());
            problems.add(RuleProblem.error(Kind.FORBIDDEN_CONSTRUCT, null, source.path(), lc[0], lc[1],
                    "unicode escape '" + escape.group() + "': Java decodes these before parsing, so they can hide code in comments and strings; write the character itself"));
        }
        if (!problems.isEmpty()) {
            return new Checked(source, java.util.Optional.empty(), problems);
        }
        DrlParser parser = new DrlParser(LanguageLevelOption.DRL6);
        PackageDescr pkg;
        try {
            pkg = parser.parse(false, source.text());
        } catch (DroolsParserException | RuntimeException e) {
            problems.add(RuleProblem.error(Kind.PARSE_ERROR, null, source.path(), 0, 0, "does not parse: " + e.getMessage()));
            return new Checked(source, java.util.Optional.empty(), problems);
        }
        if (parser.hasErrors() || pkg == null) {
            for (DroolsError err : parser.getErrors()) {
                int line = err instanceof ParserError pe ? pe.getRow() : firstLine(err);
                int col = err instanceof ParserError pe ? pe.getCol() + 1 : 0;
                problems.add(RuleProblem.error(Kind.PARSE_ERROR, null, source.path(), line, col, err.getMessage()));
            }
            if (problems.isEmpty()) {
                problems.add(RuleProblem.error(Kind.PARSE_ERROR, null, source.path(), 0, 0, "does not parse"));
            }
            return new Checked(source, java.util.Optional.empty(), problems);
        }
        new FileCheck(source, pkg, problems).run();
        // One offending name is seen both as an expression and as a name node: report it once.
        return new Checked(source, java.util.Optional.of(pkg), problems.stream().distinct().toList());
    }

    private static int firstLine(DroolsError err) {
        int[] lines = err.getLines();
        return lines == null || lines.length == 0 ? 0 : lines[0];
    }

    static int[] lineColumn(String text, int offset) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }

    /** The checks for one parsed file; holds the file's type names and the problems found. */
    private final class FileCheck {
        private final DrlSource source;
        private final PackageDescr pkg;
        private final List<RuleProblem> problems;
        private final Map<String, String> simpleNames = new HashMap<>();
        private final Set<String> declaredTypes = new HashSet<>();
        private String ruleId;
        private RuleDescr currentRule;

        FileCheck(DrlSource source, PackageDescr pkg, List<RuleProblem> problems) {
            this.source = source;
            this.pkg = pkg;
            this.problems = problems;
            for (String fqn : allowedTypes) {
                if (fqn.startsWith("java.lang.") && fqn.indexOf('.', "java.lang.".length()) < 0) {
                    simpleNames.put(fqn.substring("java.lang.".length()), fqn);
                }
            }
        }

        void run() {
            if (pkg.getUnit() != null) {
                report(Kind.FORBIDDEN_CONSTRUCT, pkg.getUnit(), "rule units are not supported; write plain rules in a package");
            }
            for (ImportDescr imp : pkg.getImports()) {
                String target = imp.getTarget().trim();
                if (target.endsWith(".*")) {
                    report(Kind.FORBIDDEN_TYPE, imp, "wildcard import '" + target + "': import each allowed type by name");
                } else if (!allowedTypes.contains(target)) {
                    report(Kind.FORBIDDEN_TYPE, imp, "import of '" + target + "' is not allowed; rules may use Bulwark facts, results and helpers and JDK value types only");
                } else {
                    simpleNames.put(target.substring(target.lastIndexOf('.') + 1), target);
                }
            }
            pkg.getFunctionImports().forEach(f -> report(Kind.FORBIDDEN_CONSTRUCT, f, "'import function' is not allowed; call a helper type (Cidr, Glob, Versions, Patterns) by its class name"));
            pkg.getAccumulateImports().forEach(a -> report(Kind.FORBIDDEN_CONSTRUCT, a, "'import accumulate' is not allowed; use the built-in accumulate functions " + ACCUMULATE_FUNCTIONS));
            pkg.getGlobals().forEach(g -> report(Kind.FORBIDDEN_CONSTRUCT, g, "globals are not allowed: a rule reads facts and inserts results, nothing else reaches it"));
            pkg.getFunctions().forEach(f -> report(Kind.FORBIDDEN_CONSTRUCT, f, "DRL functions are not allowed: they are arbitrary Java; use the helper types"));
            pkg.getEnumDeclarations().forEach(e -> report(Kind.FORBIDDEN_CONSTRUCT, e, "enum declarations are not allowed; use strings or the project's enums"));
            for (AttributeDescr attr : pkg.getAttributes()) {
                checkAttribute(attr);
            }
            for (TypeDeclarationDescr type : pkg.getTypeDeclarations()) {
                declaredTypes.add(type.getTypeName());
            }
            for (TypeDeclarationDescr type : pkg.getTypeDeclarations()) {
                checkTypeDeclaration(type);
            }
            for (WindowDeclarationDescr window : pkg.getWindowDeclarations()) {
                checkPattern(window.getPattern(), new Scope(false));
            }
            for (RuleDescr rule : pkg.getRules()) {
                checkRule(rule);
            }
        }

        private void checkTypeDeclaration(TypeDeclarationDescr type) {
            boolean redeclaresAllowed = resolvesToAllowed(type.getTypeName());
            boolean isNew = type.getFields().size() > 0 || !redeclaresAllowed;
            if (isNew && resolvesToProjectType(type.getTypeName())) {
                report(Kind.FORBIDDEN_CONSTRUCT, type, "'" + type.getTypeName() + "' is a Bulwark type; it may be annotated, not redefined");
            }
            for (var superType : type.getSuperTypes()) {
                String name = superType.getFullName();
                if (!name.equals("Object") && !name.equals("java.lang.Object") && !resolvesToAllowed(name)) {
                    report(Kind.FORBIDDEN_TYPE, type, "declared type '" + type.getTypeName() + "' extends '" + name + "', which is not allowed");
                }
            }
            for (TypeFieldDescr field : type.getFields().values()) {
                String fieldType = field.getPattern() == null ? null : field.getPattern().getObjectType();
                if (fieldType != null && !isAllowedTypeName(fieldType)) {
                    report(Kind.FORBIDDEN_TYPE, field, "field '" + field.getFieldName() + "' has type '" + fieldType + "', which is not allowed");
                }
                if (field.getInitExpr() != null && !field.getInitExpr().isBlank()) {
                    checkExpression(field.getInitExpr(), field, new Scope(false));
                }
            }
        }

        private void checkRule(RuleDescr rule) {
            AnnotationDescr id = rule.getAnnotation("id");
            ruleId = id == null ? null : dev.bulwark.engine.RuleMetadata.unquote(id.getSingleValueAsString());
            currentRule = rule;
            Scope scope = new Scope(false);
            if (rule instanceof QueryDescr query && query.getParameters() != null) {
                String[] types = query.getParameterTypes();
                for (int i = 0; i < query.getParameters().length; i++) {
                    scope.variables.add(query.getParameters()[i]);
                    if (types != null && i < types.length && !isAllowedTypeName(types[i])) {
                        report(Kind.FORBIDDEN_TYPE, rule, "query parameter type '" + types[i] + "' is not allowed");
                    }
                }
            }
            for (AttributeDescr attr : rule.getAttributes().values()) {
                checkAttribute(attr);
            }
            if (!rule.getNamedConsequences().isEmpty()) {
                report(Kind.FORBIDDEN_CONSTRUCT, rule, "named consequences ('then[name]', 'do[name]', 'break[name]') are not supported; split the rule");
            }
            if (rule.getLhs() != null) {
                checkConditional(rule.getLhs(), scope);
            }
            Object consequence = rule.getConsequence();
            if (consequence != null && !consequence.toString().isBlank()) {
                checkConsequence(consequence.toString(), rule, scope);
            }
            ruleId = null;
            currentRule = null;
        }

        private void checkAttribute(AttributeDescr attr) {
            String name = attr.getName();
            String value = attr.getValue() == null ? "" : attr.getValue().trim();
            switch (name) {
                case "dialect" -> {
                    if (!dev.bulwark.engine.RuleMetadata.unquote(value).equals("java")) {
                        report(Kind.FORBIDDEN_CONSTRUCT, attr, "dialect '" + value + "' is not allowed; rules are written in the java dialect");
                    }
                }
                case "salience", "enabled" -> {
                    if (!value.matches("-?\\d+|true|false")) {
                        checkExpression(value, attr, new Scope(false));
                    }
                }
                case "no-loop", "lock-on-active", "auto-focus", "agenda-group", "activation-group", "ruleflow-group",
                        "date-effective", "date-expires", "duration", "timer", "calendars", "refract", "direct" -> {
                    // Literals only; the parser has already rejected expressions in these.
                }
                default -> report(Kind.FORBIDDEN_CONSTRUCT, attr, "attribute '" + name + "' is not supported");
            }
        }

        private void checkConditional(BaseDescr descr, Scope scope) {
            if (descr instanceof PatternDescr p) {
                checkPattern(p, scope);
            } else if (descr instanceof EvalDescr eval) {
                checkExpression(String.valueOf(eval.getContent()), eval, scope);
            } else if (descr instanceof AndDescr || descr instanceof OrDescr || descr instanceof NotDescr
                    || descr instanceof ExistsDescr || descr instanceof ForallDescr) {
                for (BaseDescr child : ((ConditionalElementDescr) descr).getDescrs()) {
                    checkConditional(child, scope);
                }
            } else {
                report(Kind.FORBIDDEN_CONSTRUCT, descr, "'" + descr.getClass().getSimpleName().replace("Descr", "").toLowerCase(java.util.Locale.ROOT)
                        + "' is not supported in a rule condition");
            }
        }

        private void checkPattern(PatternDescr pattern, Scope scope) {
            if (pattern == null) {
                return;
            }
            String type = pattern.getObjectType();
            if (type != null && !pattern.isQuery() && !isAllowedTypeName(type)) {
                report(Kind.FORBIDDEN_TYPE, pattern, "pattern type '" + type + "' is not allowed; match Bulwark facts and results only");
            }
            if (pattern.getIdentifier() != null) {
                scope.variables.add(pattern.getIdentifier());
            }
            scope.variables.addAll(pattern.getAllBoundIdentifiers());
            if (pattern.getConstraint() != null) {
                for (BaseDescr c : pattern.getConstraint().getDescrs()) {
                    checkConstraint(c, pattern, scope);
                }
            }
            for (BaseDescr c : pattern.getPositionalConstraints()) {
                checkConstraint(c, pattern, scope);
            }
            PatternSourceDescr src = pattern.getSource();
            if (src == null || src instanceof EntryPointDescr || src instanceof WindowReferenceDescr) {
                return;
            }
            if (src instanceof FromDescr from) {
                if (from.getDataSource() instanceof MVELExprDescr expr) {
                    checkExpression(expr.getExpression(), from, scope);
                } else {
                    report(Kind.FORBIDDEN_CONSTRUCT, from, "this form of 'from' is not supported");
                }
            } else if (src instanceof CollectDescr collect) {
                checkPattern(collect.getInputPattern(), scope);
            } else if (src instanceof AccumulateDescr acc) {
                if (!acc.isExternalFunction() && (acc.getInitCode() != null || acc.getActionCode() != null)) {
                    report(Kind.FORBIDDEN_CONSTRUCT, acc, "accumulate with init/action/result code is not allowed; use " + ACCUMULATE_FUNCTIONS);
                }
                if (acc.getInput() != null) {
                    checkConditional(acc.getInput(), scope);
                }
                for (AccumulateDescr.AccumulateFunctionCallDescr fn : acc.getFunctions()) {
                    if (!ACCUMULATE_FUNCTIONS.contains(fn.getFunction())) {
                        report(Kind.FORBIDDEN_CALL, acc, "accumulate function '" + fn.getFunction() + "' is not allowed; use " + ACCUMULATE_FUNCTIONS);
                    }
                    if (fn.getBind() != null) {
                        scope.variables.add(fn.getBind());
                    }
                    for (String param : fn.getParams()) {
                        checkExpression(param, acc, scope);
                    }
                }
            } else {
                report(Kind.FORBIDDEN_CONSTRUCT, src, "pattern source '" + src.getClass().getSimpleName() + "' is not supported");
            }
            for (BehaviorDescr b : pattern.getBehaviors()) {
                if (!b.getSubType().equals("time") && !b.getSubType().equals("length")) {
                    report(Kind.FORBIDDEN_CONSTRUCT, b, "window '" + b.getSubType() + "' is not supported; use window:time or window:length");
                }
            }
        }

        private void checkConstraint(BaseDescr c, PatternDescr pattern, Scope scope) {
            if (c instanceof ExprConstraintDescr expr) {
                checkExpression(expr.getExpression(), c.getLine() > 0 ? c : pattern, scope);
            } else if (c instanceof BindingDescr binding) {
                scope.variables.add(binding.getVariable());
                checkExpression(binding.getExpression(), c.getLine() > 0 ? c : pattern, scope);
            } else if (c instanceof PatternDescr nested) {
                checkPattern(nested, scope);
            } else {
                report(Kind.FORBIDDEN_CONSTRUCT, c.getLine() > 0 ? c : pattern, "constraint form '" + c.getClass().getSimpleName() + "' is not supported");
            }
        }

        private void checkExpression(String text, BaseDescr where, Scope scope) {
            if (text == null || text.isBlank()) {
                return;
            }
            Node expr;
            try {
                expr = parseDrlx(text);
            } catch (RuntimeException e) {
                report(Kind.PARSE_ERROR, where, "expression '" + abbreviate(text) + "' does not parse: " + firstLineOf(e.getMessage()));
                return;
            }
            int line = where == null ? 0 : Math.max(where.getLine(), 0);
            int col = where == null ? 0 : Math.max(where.getColumn(), 0) + 1;
            if (line == 0 && currentRule != null) {
                int[] found = locate(text, currentRule.getLine());
                line = found[0];
                col = found[1];
            }
            checkTree(expr, new Segment(text, line, col), scope, false);
        }

        private void checkConsequence(String text, RuleDescr rule, Scope lhsScope) {
            BlockStmt block;
            try {
                block = MvelParser.parseBlock("{" + text + "\n}");
            } catch (RuntimeException e) {
                report(Kind.PARSE_ERROR, rule, "consequence does not parse: " + firstLineOf(e.getMessage()));
                return;
            }
            Scope scope = new Scope(true);
            scope.variables.addAll(lhsScope.variables);
            int[] start = locate(text, rule.getConsequenceLine() > 0 ? rule.getConsequenceLine() : rule.getLine());
            checkTree(block, new Segment(text, start[0], start[1]), scope, true);
        }

        /**
         * Where a piece of text the parser handed over (trimmed, without position) starts in the
         * file: the first occurrence of its first line at or after {@code fromLine}.
         */
        private int[] locate(String text, int fromLine) {
            String first = text.strip();
            int nl = first.indexOf('\n');
            first = (nl < 0 ? first : first.substring(0, nl)).strip();
            String[] lines = source.text().split("\n", -1);
            for (int i = Math.max(fromLine, 1) - 1; i < lines.length && !first.isEmpty(); i++) {
                int at = lines[i].indexOf(first);
                if (at >= 0) {
                    return new int[] {i + 1, at + 1};
                }
            }
            return new int[] {Math.max(fromLine, 0), 1};
        }

        /** Two passes over a parsed tree: collect local names, then check every node against the allowlist. */
        private void checkTree(Node root, Segment where, Scope scope, boolean consequence) {
            root.walk(n -> {
                if (n instanceof VariableDeclarator v) {
                    scope.variables.add(v.getNameAsString());
                } else if (n instanceof Parameter p) {
                    scope.variables.add(p.getNameAsString());
                }
            });
            root.walk(n -> checkNode(n, where, scope, consequence));
        }

        private void checkNode(Node n, Segment where, Scope scope, boolean consequence) {
            if (n instanceof SimpleName s && DENIED_NAMES.contains(s.getIdentifier())) {
                report(Kind.FORBIDDEN_TYPE, where, n, "'" + s.getIdentifier() + "' may not appear in a rule");
            } else if (n instanceof Name name && DENIED_NAMES.contains(name.getIdentifier())) {
                report(Kind.FORBIDDEN_TYPE, where, n, "'" + name.getIdentifier() + "' may not appear in a rule");
            } else if (n instanceof MethodCallExpr call) {
                checkCall(call.getNameAsString(), call.getScope().orElse(null), call.getArguments(), where, n, scope, consequence);
            } else if (n instanceof NullSafeMethodCallExpr call) {
                checkCall(call.getNameAsString(), call.getScope().orElse(null), call.getArguments(), where, n, scope, consequence);
            } else if (n instanceof NameExpr name) {
                checkName(name, where, scope, consequence);
            } else if (n instanceof FieldAccessExpr fa) {
                checkQualified(fa, where, scope, consequence);
            } else if (n instanceof ObjectCreationExpr create) {
                if (create.getAnonymousClassBody().isPresent()) {
                    report(Kind.FORBIDDEN_CONSTRUCT, where, n, "anonymous classes are not allowed in rules");
                }
                requireType(create.getType(), where, n);
            } else if (n instanceof ClassExpr) {
                report(Kind.FORBIDDEN_CONSTRUCT, where, n, "class literals are not allowed: they lead to reflection");
            } else if (n instanceof CastExpr cast) {
                requireType(cast.getType(), where, n);
            } else if (n instanceof InstanceOfExpr inst) {
                requireType(inst.getType(), where, n);
            } else if (n instanceof InlineCastExpr cast) {
                requireType(cast.getType(), where, n);
            } else if (n instanceof ArrayCreationExpr array) {
                requireType(array.getElementType(), where, n);
            } else if (n instanceof VariableDeclarationExpr decl) {
                for (VariableDeclarator v : decl.getVariables()) {
                    requireType(v.getType(), where, n);
                }
            } else if (n instanceof Parameter p && !p.getType().isUnknownType()) {
                requireType(p.getType(), where, n);
            } else if (n instanceof MethodReferenceExpr ref) {
                if (DENIED_METHODS.contains(ref.getIdentifier()) || ref.getIdentifier().equals("new")) {
                    report(Kind.FORBIDDEN_CALL, where, n, "method reference '::" + ref.getIdentifier() + "' is not allowed");
                }
            } else if (n instanceof ThisExpr || n instanceof SuperExpr) {
                if (consequence) {
                    report(Kind.FORBIDDEN_CONSTRUCT, where, n, "'this' and 'super' are not available in a consequence");
                }
            } else if (n instanceof WhileStmt || n instanceof DoStmt || n instanceof ForStmt) {
                report(Kind.FORBIDDEN_CONSTRUCT, where, n, "only for-each loops are allowed in a consequence: a rule must finish");
            } else if (n instanceof SynchronizedStmt || n instanceof LocalClassDeclarationStmt || n instanceof LocalRecordDeclarationStmt
                    || n instanceof TryStmt || n instanceof ThrowStmt || n instanceof LabeledStmt || n instanceof AssertStmt) {
                report(Kind.FORBIDDEN_CONSTRUCT, where, n, "'" + n.getClass().getSimpleName().replace("Stmt", "").toLowerCase(java.util.Locale.ROOT) + "' statements are not allowed in a consequence");
            } else if (n instanceof ModifyStatement || n instanceof WithStatement) {
                report(Kind.FORBIDDEN_CONSTRUCT, where, n, "facts are immutable: rules insert results instead of modifying facts");
            } else if (n instanceof LambdaExpr || n instanceof ForEachStmt) {
                // Bodies are walked like the rest of the tree.
            }
        }

        private void checkCall(String method, Expression receiver, List<Expression> args, Segment where, Node n, Scope scope, boolean consequence) {
            if (DENIED_METHODS.contains(method)) {
                report(Kind.FORBIDDEN_CALL, where, n, "call to '" + method + "' is not allowed in a rule");
                return;
            }
            if (receiver == null) {
                if (consequence && !CONSEQUENCE_CALLS.contains(method)) {
                    report(Kind.FORBIDDEN_CALL, where, n, "'" + method + "(...)' is not available in a consequence; use insert, insertLogical or delete, or a helper type's method");
                }
                return;
            }
            if (receiver instanceof NameExpr rn && CONTEXT_NAMES.contains(rn.getNameAsString())) {
                report(Kind.FORBIDDEN_CALL, where, n, "'" + rn.getNameAsString() + "." + method + "(...)': the rule context may only be passed to Finding.raise, Verdict.decide, RuleAssignment.recommend or OssecRules.alert");
            }
            boolean takesContext = receiver instanceof NameExpr rn2 && CONTEXT_TAKERS.contains(rn2.getNameAsString() + "." + method)
                    && resolvesToAllowed(rn2.getNameAsString());
            if (!takesContext) {
                for (Expression a : args) {
                    if (a instanceof NameExpr an && CONTEXT_NAMES.contains(an.getNameAsString())) {
                        report(Kind.FORBIDDEN_CALL, where, a, "the rule context may only be passed to Finding.raise, Verdict.decide, RuleAssignment.recommend or OssecRules.alert, not to '" + method + "'");
                    }
                }
            }
        }

        private void checkName(NameExpr name, Segment where, Scope scope, boolean consequence) {
            String id = name.getNameAsString();
            if (CONTEXT_NAMES.contains(id)) {
                // Whether the context is used properly is decided at the call that uses it.
                Node parent = name.getParentNode().orElse(null);
                if (!(parent instanceof MethodCallExpr call) || !call.getArguments().contains(name)) {
                    if (!(parent instanceof MethodCallExpr call2 && call2.getScope().orElse(null) == name)) {
                        report(Kind.FORBIDDEN_CALL, where, name, "the rule context may only be passed to Finding.raise, Verdict.decide, RuleAssignment.recommend or OssecRules.alert");
                    }
                }
                return;
            }
            if (scope.variables.contains(id) || id.startsWith("$")) {
                return;
            }
            if (Character.isUpperCase(id.charAt(0))) {
                if (!resolvesToAllowed(id)) {
                    report(Kind.FORBIDDEN_TYPE, where, name, "'" + id + "' is not an allowed type; rules may use Bulwark facts, results and helpers and JDK value types only");
                }
            } else if (consequence) {
                report(Kind.FORBIDDEN_CONSTRUCT, where, name, "unknown name '" + id + "' in the consequence; bind it in the condition first");
            }
        }

        /** {@code a.b.c}: a field path on a bound variable, an allowed type's constant, or a qualified class name (refused unless allowed). */
        private void checkQualified(FieldAccessExpr fa, Segment where, Scope scope, boolean consequence) {
            if (fa.getParentNode().orElse(null) instanceof FieldAccessExpr) {
                return; // the outermost access checks the whole chain
            }
            List<String> segments = new ArrayList<>();
            Expression e = fa;
            while (e instanceof FieldAccessExpr f) {
                segments.add(0, f.getNameAsString());
                e = f.getScope();
            }
            if (!(e instanceof NameExpr first)) {
                return; // rooted in a call or literal: its parts are checked on their own
            }
            segments.add(0, first.getNameAsString());
            String root = segments.get(0);
            if (scope.variables.contains(root) || root.startsWith("$") || CONTEXT_NAMES.contains(root)) {
                return;
            }
            if (PACKAGE_ROOTS.contains(root)) {
                StringBuilder fqn = new StringBuilder(root);
                for (int i = 1; i < segments.size(); i++) {
                    fqn.append('.').append(segments.get(i));
                    if (allowedTypes.contains(fqn.toString())) {
                        return;
                    }
                }
                report(Kind.FORBIDDEN_TYPE, where, fa, "qualified name '" + String.join(".", segments) + "' is not allowed; import an allowed type and use its simple name");
            }
        }

        private void requireType(Type type, Segment where, Node at) {
            if (type.isPrimitiveType() || type.isVarType() || type.isUnknownType()) {
                return;
            }
            if (type.isArrayType()) {
                requireType(type.asArrayType().getComponentType(), where, at);
                return;
            }
            if (type instanceof ClassOrInterfaceType cit) {
                if (!isAllowedTypeName(cit.getNameWithScope())) {
                    report(Kind.FORBIDDEN_TYPE, where, at, "type '" + cit.getNameWithScope() + "' is not allowed in a rule");
                }
                cit.getTypeArguments().ifPresent(args -> args.forEach(t -> requireType(t, where, at)));
                return;
            }
            report(Kind.FORBIDDEN_TYPE, where, at, "type '" + type + "' is not allowed in a rule");
        }

        private boolean isAllowedTypeName(String raw) {
            String name = raw.replaceAll("<.*>", "").replace("[]", "").trim();
            if (PRIMITIVES.contains(name)) {
                return true;
            }
            return resolvesToAllowed(name) || declaredTypes.contains(name) || (pkg.getName() != null && declaredTypes.contains(name.replace(pkg.getName() + ".", "")));
        }

        private boolean resolvesToAllowed(String name) {
            if (name.contains(".")) {
                return allowedTypes.contains(name);
            }
            return simpleNames.containsKey(name) || declaredTypes.contains(name);
        }

        private boolean resolvesToProjectType(String name) {
            String fqn = name.contains(".") ? name : simpleNames.get(name);
            return fqn != null && fqn.startsWith("dev.bulwark.");
        }

        private void report(Kind kind, BaseDescr at, String message) {
            int line = at == null ? 0 : Math.max(at.getLine(), 0);
            int col = at == null ? 0 : Math.max(at.getColumn(), 0) + (line > 0 ? 1 : 0);
            problems.add(RuleProblem.error(kind, ruleId, source.path(), line, col, message));
        }

        /**
         * Places a problem inside a constraint or consequence. Drools' expression parsers keep no
         * positions, so the node is found by its first token in the segment's text.
         */
        private void report(Kind kind, Segment at, Node node, String message) {
            String token = tokenOf(node);
            int idx = token.isEmpty() ? -1 : at.text().indexOf(token);
            int line = at.line();
            int col = at.column();
            if (idx >= 0 && line > 0) {
                int[] lc = lineColumn(at.text(), idx);
                line = at.line() + lc[0] - 1;
                col = lc[0] == 1 ? at.column() + lc[1] - 1 : lc[1];
            }
            problems.add(RuleProblem.error(kind, ruleId, source.path(), line, col, message));
        }
    }

    /** A piece of DRL text (a constraint or a consequence) and where it starts in the file. */
    private record Segment(String text, int line, int column) {
    }

    /** The first source token of a node: what to search for when placing a problem. */
    private static String tokenOf(Node node) {
        if (node instanceof MethodCallExpr call) {
            return call.getScope().map(DrlPolicy::tokenOf).orElse(call.getNameAsString());
        }
        if (node instanceof NullSafeMethodCallExpr call) {
            return call.getScope().map(DrlPolicy::tokenOf).orElse(call.getNameAsString());
        }
        if (node instanceof FieldAccessExpr fa) {
            return tokenOf(fa.getScope());
        }
        if (node instanceof NodeWithSimpleName<?> named) {
            return named.getNameAsString();
        }
        if (node instanceof SimpleName sn) {
            return sn.getIdentifier();
        }
        if (node instanceof Name n) {
            return n.getIdentifier();
        }
        // Never print Drools' own node types: the JavaParser printer cannot visit them.
        return node.findFirst(SimpleName.class).map(SimpleName::getIdentifier).orElse("");
    }

    /** Parses a DRL constraint expression; Drools wraps it in a node that hides its children, so unwrap. */
    public static Expression parseDrlx(String text) {
        Expression e = DrlxParser.parseExpression(DrlxParser.buildDrlxParserWithArguments(List.of()), text);
        if (e instanceof org.drools.mvel.parser.ast.expr.DrlxExpression drlx) {
            return drlx.getExpr();
        }
        return e;
    }

    /** Names bound in the rule so far (pattern bindings, accumulate results, consequence locals). */
    private static final class Scope {
        final Set<String> variables = new LinkedHashSet<>();
        final boolean consequence;

        Scope(boolean consequence) {
            this.consequence = consequence;
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 80 ? one.substring(0, 77) + "..." : one;
    }

    private static String firstLineOf(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
