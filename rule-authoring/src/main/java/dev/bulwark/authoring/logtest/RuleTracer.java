package dev.bulwark.authoring.logtest;

import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.policy.DrlPolicy;
import dev.bulwark.engine.policy.DrlSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.mvel.parser.ast.expr.PointFreeExpr;

/**
 * Explains, for one decoded line, why each log rule did or did not match: the conditions of a
 * rule's first {@code LogEvent} pattern that are plain field tests ({@code field == "x"},
 * {@code !=}, {@code in (...)}, null checks, {@code extra["k"]}, joined by {@code &&}/{@code ||}) are
 * checked here against the event, and the first that fails is named. Anything else (helpers,
 * joins, windows, accumulates) is left to the engine and said so.
 */
final class RuleTracer {

    /** The trace of one rule for one line. */
    record Step(String ruleId, String outcome, String reason) {
    }

    /** One condition as written, and parsed once; {@code parsed} is null when it is not plain DRLX. */
    private record Condition(String text, Expression parsed) {
        static Condition of(String text) {
            try {
                return new Condition(text, DrlPolicy.parseDrlx(text));
            } catch (RuntimeException e) {
                return new Condition(text, null);
            }
        }

        /** True/false for a plain field test; null when it is not one (left to the engine). */
        Boolean holdsFor(LogEvent e) {
            if (parsed == null) {
                return null;
            }
            try {
                return eval(parsed, e);
            } catch (RuntimeException ex) {
                return null;
            }
        }
    }

    private record LogRule(String id, List<Condition> conditions) {
    }

    private static final Set<String> FIELDS = Set.of("host", "program", "decoder", "action", "status", "srcIp", "dstIp", "user", "url", "id", "raw");
    private final List<LogRule> rules = new ArrayList<>();

    RuleTracer(List<DrlSource> sources) {
        DrlPolicy policy = DrlPolicy.standard();
        for (DrlSource s : sources) {
            policy.checkAndParse(s).parsed().ifPresent(pkg -> {
                for (RuleDescr r : pkg.getRules()) {
                    PatternDescr first = firstLogEventPattern(r.getLhs());
                    if (first == null) {
                        continue;
                    }
                    AnnotationDescr id = r.getAnnotation(RuleMetadata.ID);
                    List<Condition> conditions = new ArrayList<>();
                    if (first.getConstraint() != null) {
                        for (BaseDescr c : first.getConstraint().getDescrs()) {
                            if (c instanceof ExprConstraintDescr e) {
                                conditions.add(Condition.of(e.getExpression()));
                            }
                        }
                    }
                    rules.add(new LogRule(id == null ? r.getName() : RuleMetadata.unquote(id.getSingleValueAsString()), conditions));
                }
            });
        }
    }

    private static PatternDescr firstLogEventPattern(BaseDescr d) {
        if (d instanceof PatternDescr p) {
            return "LogEvent".equals(p.getObjectType()) || p.getObjectType().endsWith(".LogEvent") ? p : null;
        }
        if (d instanceof org.drools.drl.ast.descr.AndDescr and) {
            for (BaseDescr c : and.getDescrs()) {
                PatternDescr p = firstLogEventPattern(c);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * One step per candidate rule (its {@code decoder} test, if any, holds for the event): fired, or
     * which checked condition failed, or that conditions the engine alone decides were not met.
     */
    List<Step> trace(LogEvent e, Set<String> fired) {
        List<Step> steps = new ArrayList<>();
        for (LogRule r : rules) {
            boolean otherDecoder = r.conditions().stream().anyMatch(c -> c.text().contains("decoder") && Boolean.FALSE.equals(c.holdsFor(e)));
            if (otherDecoder && !fired.contains(r.id())) {
                continue; // not a candidate: written for another decoder
            }
            if (fired.contains(r.id())) {
                steps.add(new Step(r.id(), "fired", null));
                continue;
            }
            String failed = null;
            boolean unchecked = false;
            for (Condition c : r.conditions()) {
                Boolean ok = c.holdsFor(e);
                if (ok == null) {
                    unchecked = true;
                } else if (!ok) {
                    failed = c.text();
                    break;
                }
            }
            if (failed != null) {
                steps.add(new Step(r.id(), "no-match", "condition not met: " + failed.replaceAll("\\s+", " ").trim()));
            } else {
                steps.add(new Step(r.id(), "no-match", unchecked
                        ? "the field tests hold; other conditions (helpers, joins, correlation) were not met"
                        : "the event's own conditions hold; the rule's other patterns (joins, correlation) were not met"));
            }
        }
        return steps;
    }

    private static Boolean eval(Expression x, LogEvent e) {
        if (x instanceof EnclosedExpr en) {
            return eval(en.getInner(), e);
        }
        if (x instanceof BinaryExpr b) {
            switch (b.getOperator()) {
                case AND, OR -> {
                    Boolean l = eval(b.getLeft(), e);
                    Boolean r = eval(b.getRight(), e);
                    if (b.getOperator() == BinaryExpr.Operator.AND) {
                        return Boolean.FALSE.equals(l) || Boolean.FALSE.equals(r) ? Boolean.FALSE : (l == null || r == null ? null : Boolean.TRUE);
                    }
                    return Boolean.TRUE.equals(l) || Boolean.TRUE.equals(r) ? Boolean.TRUE : (l == null || r == null ? null : Boolean.FALSE);
                }
                case EQUALS, NOT_EQUALS -> {
                    Object[] v = values(b.getLeft(), b.getRight(), e);
                    if (v == null) {
                        return null;
                    }
                    boolean eq = Objects.equals(v[0], v[1]);
                    return b.getOperator() == BinaryExpr.Operator.EQUALS ? eq : !eq;
                }
                default -> {
                    return null;
                }
            }
        }
        if (x instanceof PointFreeExpr pf && pf.getOperator().getIdentifier().equals("in")) {
            Object[] left = values(pf.getLeft(), new NullLiteralExpr(), e);
            if (left == null) {
                return null;
            }
            for (Expression r : pf.getRight()) {
                if (!(r instanceof StringLiteralExpr s)) {
                    return null;
                }
                if (s.asString().equals(left[0])) {
                    return !pf.isNegated();
                }
            }
            return pf.isNegated();
        }
        return null;
    }

    /** Both sides as values: a field of the event and a literal (or null); null when either is something else. */
    private static Object[] values(Expression a, Expression b, LogEvent e) {
        Object[] out = new Object[2];
        int i = 0;
        for (Expression side : new Expression[] {a, b}) {
            if (side instanceof StringLiteralExpr s) {
                out[i] = s.asString();
            } else if (side instanceof NullLiteralExpr) {
                out[i] = null;
            } else if (side instanceof NameExpr n && FIELDS.contains(n.getNameAsString())) {
                out[i] = field(e, n.getNameAsString());
            } else if (side instanceof ArrayAccessExpr aa && aa.getName() instanceof NameExpr n && n.getNameAsString().equals("extra")
                    && aa.getIndex() instanceof StringLiteralExpr key) {
                out[i] = e.extra().get(key.asString());
            } else {
                return null;
            }
            i++;
        }
        return out;
    }

    private static Object field(LogEvent e, String name) {
        return switch (name) {
            case "host" -> e.host();
            case "program" -> e.program();
            case "decoder" -> e.decoder();
            case "action" -> e.action();
            case "status" -> e.status();
            case "srcIp" -> e.srcIp();
            case "dstIp" -> e.dstIp();
            case "user" -> e.user();
            case "url" -> e.url();
            case "id" -> e.id();
            case "raw" -> e.raw();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
