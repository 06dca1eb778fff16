package io.imageprune.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring files of {@code k8s/monitoring/} as the tests read them: the PrometheusRule's alerts, the dashboard's
 * queries, and the metric names a PromQL expression selects.
 */
public final class MonitoringFiles {
    public static final Path DIR = Path.of("k8s/monitoring");
    public static final Path RULE = DIR.resolve("prometheusrule.yaml");
    public static final Path DASHBOARD = DIR.resolve("imageprune-dashboard.json");
    public static final Path RUNBOOK = Path.of("docs/runbook.md");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");
    /** Modifiers whose parenthesised list names labels, not metrics. */
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][\\w:]*");

    private MonitoringFiles() {
    }

    /** The PrometheusRule's {@code spec}: a Prometheus rule file. */
    public static JsonNode ruleSpec() {
        return read(YAML, RULE).get("spec");
    }

    /** Every alerting rule by its name. */
    public static Map<String, JsonNode> alerts() {
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : ruleSpec().get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("alert")) {
                    alerts.put(rule.get("alert").asText(), rule);
                }
            }
        }
        return alerts;
    }

    /** Every PromQL expression of the rules and of the dashboard's panels, with where it comes from. */
    public static Map<String, String> expressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : ruleSpec().get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String name = rule.has("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                expressions.put("rule " + name, rule.get("expr").asText());
            }
        }
        for (JsonNode panel : read(JSON, DASHBOARD).get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel \"" + panel.get("title").asText() + "\" " + target.get("refId").asText(),
                        target.get("expr").asText());
            }
        }
        return expressions;
    }

    /** The metric names a PromQL expression selects (not functions, keywords, labels, durations or strings). */
    public static Set<String> metricNames(String expr) {
        String rest = STRINGS.matcher(expr).replaceAll("\"\"");
        rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            boolean call = rest.substring(identifier.end()).stripLeading().startsWith("(");
            if (!call && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The sample names of a Prometheus text exposition (what a query can select). */
    public static Set<String> sampleNames(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][\\w:]*)[{ ]").matcher(exposition);
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }

    /** The level-2 headings of the runbook. */
    public static List<String> runbookSections() {
        List<String> sections = new ArrayList<>();
        for (String line : lines(RUNBOOK)) {
            if (line.startsWith("## ")) {
                sections.add(line.substring(3).trim());
            }
        }
        return sections;
    }

    static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
