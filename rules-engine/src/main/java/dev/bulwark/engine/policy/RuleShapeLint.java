package dev.bulwark.engine.policy;

import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import dev.bulwark.engine.RuleMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;

/**
 * Finds the rule shape that makes a large rule set slow: a family of similar rules (same sequence
 * of pattern types) in which some pattern has no {@code field == literal} condition. Such a
 * pattern cannot be hashed in the alpha network, so every fact of its type joins into every rule
 * of the family: each event costs N units of work and the network keeps memory for it (measured
 * in the architecture notes: 5,000 such rules run at 18 events/s). Reported as warnings.
 */
public final class RuleShapeLint {

    /** A family smaller than this is not worth a warning: the cost grows with the family. */
    public static final int FAMILY_MIN = 3;

    private record PatternSite(String type, boolean hasLiteral, BaseDescr at) {
    }

    private record RuleShape(String path, String ruleId, List<PatternSite> patterns) {
        String signature() {
            StringBuilder sb = new StringBuilder();
            patterns.forEach(p -> sb.append(p.type()).append(';'));
            return sb.toString();
        }
    }

    private RuleShapeLint() {
    }

    public static List<RuleProblem> check(List<DrlPolicy.Checked> files) {
        Map<String, List<RuleShape>> families = new LinkedHashMap<>();
        for (DrlPolicy.Checked file : files) {
            if (file.parsed().isEmpty()) {
                continue;
            }
            PackageDescr pkg = file.parsed().get();
            for (RuleDescr rule : pkg.getRules()) {
                if (rule.isQuery() || rule.getLhs() == null) {
                    continue;
                }
                List<PatternSite> sites = new ArrayList<>();
                collect(rule.getLhs(), sites);
                AnnotationDescr id = rule.getAnnotation(RuleMetadata.ID);
                RuleShape shape = new RuleShape(file.source().path(), id == null ? rule.getName() : RuleMetadata.unquote(id.getSingleValueAsString()), sites);
                families.computeIfAbsent(shape.signature(), k -> new ArrayList<>()).add(shape);
            }
        }
        List<RuleProblem> problems = new ArrayList<>();
        for (List<RuleShape> family : families.values()) {
            if (family.size() < FAMILY_MIN) {
                continue;
            }
            for (RuleShape shape : family) {
                for (PatternSite site : shape.patterns()) {
                    if (!site.hasLiteral()) {
                        problems.add(new RuleProblem(RuleProblem.Kind.JOIN_WITHOUT_LITERAL, RuleProblem.Level.WARNING, shape.ruleId(),
                                shape.path(), Math.max(site.at().getLine(), 0), Math.max(site.at().getColumn(), 0) + 1,
                                "pattern '" + site.type() + "' has no 'field == literal' condition, in a family of " + family.size()
                                        + " rules of the same shape: every " + site.type() + " will be joined against every rule of the family."
                                        + " Key it on a literal (decode the field first, or match a classification fact)"));
                    }
                }
            }
        }
        return problems;
    }

    private static void collect(BaseDescr d, List<PatternSite> out) {
        if (d instanceof PatternDescr p) {
            out.add(new PatternSite(p.getObjectType(), hasLiteralEquality(p), p));
            if (p.getSource() instanceof AccumulateDescr acc && acc.getInput() != null) {
                collect(acc.getInput(), out);
            } else if (p.getSource() instanceof CollectDescr col && col.getInputPattern() != null) {
                collect(col.getInputPattern(), out);
            }
        } else if (d instanceof ConditionalElementDescr ce) {
            for (BaseDescr child : ce.getDescrs()) {
                collect(child, out);
            }
        }
    }

    private static boolean hasLiteralEquality(PatternDescr p) {
        if (p.getConstraint() == null) {
            return false;
        }
        for (BaseDescr c : p.getConstraint().getDescrs()) {
            if (c instanceof ExprConstraintDescr e && isLiteralEquality(e.getExpression())) {
                return true;
            }
        }
        return false;
    }

    static boolean isLiteralEquality(String text) {
        Expression expr;
        try {
            expr = DrlPolicy.parseDrlx(text);
        } catch (RuntimeException e) {
            return false;
        }
        return keysOnLiteral(expr);
    }

    /**
     * True when the constraint is {@code field == literal}, or an AND chain containing one. An
     * equality under OR, NOT or {@code in} does not key the pattern: the alpha network cannot hash it.
     */
    private static boolean keysOnLiteral(Expression e) {
        if (e instanceof com.github.javaparser.ast.expr.EnclosedExpr en) {
            return keysOnLiteral(en.getInner());
        }
        if (e instanceof BinaryExpr b) {
            if (b.getOperator() == BinaryExpr.Operator.AND) {
                return keysOnLiteral(b.getLeft()) || keysOnLiteral(b.getRight());
            }
            return b.getOperator() == BinaryExpr.Operator.EQUALS && (isConstant(b.getLeft()) || isConstant(b.getRight()));
        }
        return false;
    }

    private static boolean isConstant(Expression e) {
        if (e instanceof LiteralExpr && !(e instanceof NullLiteralExpr)) {
            return true;
        }
        // Enum constants and static finals: Severity.HIGH
        return e instanceof FieldAccessExpr fa && Character.isUpperCase(fa.getNameAsString().charAt(0)) && isNameChain(fa.getScope());
    }

    private static boolean isNameChain(Expression e) {
        return e instanceof com.github.javaparser.ast.expr.NameExpr || (e instanceof FieldAccessExpr fa && isNameChain(fa.getScope()));
    }
}
