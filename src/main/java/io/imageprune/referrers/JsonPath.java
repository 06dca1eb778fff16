package io.imageprune.referrers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A strict JSONPath subset, as {@code kubectl -o jsonpath} writes paths, evaluated on a generic JSON value (maps,
 * lists, scalars): {@code .name}, {@code ['name']}, {@code [*]}, {@code .*}, {@code [N]} and the recursive descent
 * {@code ..name} / {@code ..[*]}, optionally inside {@code {...}} and after {@code $}. Anything else is refused when
 * the path is parsed, with the position of the problem, so a configuration error shows at start and not as a holder
 * silently never found.
 */
public final class JsonPath {

    private sealed interface Step permits Child, AnyChild, Index, Descend {
    }

    private record Child(String name) implements Step {
    }

    private record AnyChild() implements Step {
    }

    private record Index(int index) implements Step {
    }

    /** Descendants-or-self, then {@code next} applied to each. */
    private record Descend(Step next) implements Step {
    }

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * @throws IllegalArgumentException naming the path, the position and what was expected
     */
    public static JsonPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty JSONPath");
        }
        String s = text.strip();
        if (s.startsWith("{")) {
            if (!s.endsWith("}")) {
                throw problem(text, s.length(), "missing closing '}'");
            }
            s = s.substring(1, s.length() - 1);
        }
        int i = 0;
        if (s.startsWith("$")) {
            i = 1;
        }
        List<Step> steps = new ArrayList<>();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '.') {
                boolean descend = i + 1 < s.length() && s.charAt(i + 1) == '.';
                i += descend ? 2 : 1;
                Step step;
                if (i < s.length() && s.charAt(i) == '[') {
                    if (!descend) {
                        throw problem(text, i, "'[' after '.'");
                    }
                    int[] end = new int[1];
                    step = bracket(text, s, i, end);
                    i = end[0];
                } else if (i < s.length() && s.charAt(i) == '*') {
                    step = new AnyChild();
                    i++;
                } else {
                    int start = i;
                    while (i < s.length() && isNameChar(s.charAt(i))) {
                        i++;
                    }
                    if (i == start) {
                        throw problem(text, i, "a field name after '.'");
                    }
                    step = new Child(s.substring(start, i));
                }
                steps.add(descend ? new Descend(step) : step);
            } else if (c == '[') {
                int[] end = new int[1];
                steps.add(bracket(text, s, i, end));
                i = end[0];
            } else {
                throw problem(text, i, "'.' or '[' but found '" + c + "'");
            }
        }
        if (steps.isEmpty()) {
            throw problem(text, 0, "at least one step such as .spec");
        }
        return new JsonPath(text, List.copyOf(steps));
    }

    private static Step bracket(String text, String s, int open, int[] end) {
        int close = s.indexOf(']', open);
        if (close < 0) {
            throw problem(text, open, "a closing ']'");
        }
        String inside = s.substring(open + 1, close).strip();
        end[0] = close + 1;
        if (inside.equals("*")) {
            return new AnyChild();
        }
        if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'")
                || inside.startsWith("\"") && inside.endsWith("\""))) {
            String name = inside.substring(1, inside.length() - 1);
            if (name.isEmpty() || name.indexOf('\'') >= 0 || name.indexOf('"') >= 0) {
                throw problem(text, open, "a non-empty quoted field name");
            }
            return new Child(name);
        }
        if (inside.matches("[0-9]{1,9}")) {
            return new Index(Integer.parseInt(inside));
        }
        throw problem(text, open, "[*], [N] or ['name'] (filters, slices and unions are not supported)");
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private static IllegalArgumentException problem(String text, int at, String expected) {
        return new IllegalArgumentException("invalid JSONPath \"" + text + "\" at position " + at + ": expected "
                + expected);
    }

    /**
     * Every value the path reaches in {@code root}, with its location written as {@code spec.containers[0].image},
     * in document order.
     */
    public void evaluate(Object root, BiConsumer<String, Object> found) {
        walk(root, "", 0, found);
    }

    private void walk(Object node, String at, int step, BiConsumer<String, Object> found) {
        if (step == steps.size()) {
            found.accept(at, node);
            return;
        }
        Step s = steps.get(step);
        if (s instanceof Descend d) {
            descend(node, at, d.next(), step, found);
        } else {
            apply(s, node, at, (where, value) -> walk(value, where, step + 1, found));
        }
    }

    private void descend(Object node, String at, Step next, int step, BiConsumer<String, Object> found) {
        apply(next, node, at, (where, value) -> walk(value, where, step + 1, found));
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                descend(e.getValue(), child(at, String.valueOf(e.getKey())), next, step, found);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                descend(list.get(i), at + "[" + i + "]", next, step, found);
            }
        }
    }

    private static void apply(Step s, Object node, String at, BiConsumer<String, Object> then) {
        if (s instanceof Child c) {
            if (node instanceof Map<?, ?> map && map.containsKey(c.name())) {
                then.accept(child(at, c.name()), map.get(c.name()));
            }
        } else if (s instanceof Index ix) {
            if (node instanceof List<?> list && ix.index() < list.size()) {
                then.accept(at + "[" + ix.index() + "]", list.get(ix.index()));
            }
        } else if (s instanceof AnyChild) {
            if (node instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    then.accept(at + "[" + i + "]", list.get(i));
                }
            } else if (node instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    then.accept(child(at, String.valueOf(e.getKey())), e.getValue());
                }
            }
        }
    }

    private static String child(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }
}
