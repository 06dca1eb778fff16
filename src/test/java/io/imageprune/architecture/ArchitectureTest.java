package io.imageprune.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package roles of docs/design.md ("Packages") hold in the compiled main classes: the decision core imports no
 * framework and no package outside the core, no adapter reaches into the command line, and no package cycle exists
 * among {@code io.imageprune.*}.
 * <p>
 * Each rule is also evaluated on the deliberately bad classes under {@code architecture.violations} (same package
 * names below another root), and must find exactly what they break: a rule that cannot fail proves nothing. Every
 * rule refuses to pass on zero classes ({@code allowEmptyShould(false)}), and the main import is checked to hold
 * every core package, so a renamed package cannot make a rule pass on nothing.
 */
class ArchitectureTest {
    static final String ROOT = "io.imageprune";
    static final String VIOLATIONS = ROOT + ".architecture.violations";

    /** The decision core: pure Java, deterministic, time passed in (docs/design.md, "Packages"). */
    static final List<String> CORE =
            List.of("model", "reference", "graph", "policy", "referrers", "options", "execute");

    /** What the core must not import: the service frameworks and the libraries of the adapters. */
    static final List<String> FRAMEWORKS = List.of(
            "io.quarkus..", "jakarta..", "javax.enterprise..", "javax.inject..", "org.eclipse.microprofile..",
            "io.smallrye..", "org.apache.kafka..", "io.fabric8..", "com.fasterxml.jackson..", "io.micrometer..",
            "io.vertx..", "picocli..");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    private static final JavaClasses BAD = new ClassFileImporter().importPackages(VIOLATIONS);

    static ArchRule coreImportsNoFramework(String root) {
        return noClasses().that().resideInAnyPackage(CORE.stream().map(p -> root + "." + p + "..")
                        .toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS.toArray(String[]::new))
                .because("the decision core is pure Java (docs/design.md, Packages)")
                .allowEmptyShould(false);
    }

    static ArchRule coreDependsOnlyOnTheCore(String root) {
        String[] core = CORE.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
        return noClasses().that().resideInAnyPackage(core)
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage(root + "..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(core))))
                .because("the adapters (loader, state, ingest, service, ...) build on the core, never the other way "
                        + "(docs/design.md, Packages)")
                .allowEmptyShould(false);
    }

    static ArchRule noAdapterImportsCli(String root) {
        return noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(root + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(root + ".cli..")
                .because("the command line is the outermost layer: what cli and api share lives in document or "
                        + "options (docs/design.md, Packages)")
                .allowEmptyShould(false);
    }

    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("every package depends only on packages below it (docs/design.md, Packages)")
                .allowEmptyShould(false);
    }

    @Test
    void theMainClassesHoldEveryPackageTheRulesName() {
        Set<String> packages = MAIN.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        for (String core : CORE) {
            assertTrue(packages.contains(ROOT + "." + core), "no main class in the core package " + core);
        }
        assertTrue(packages.contains(ROOT + ".cli"), "no main class in cli");
        assertTrue(MAIN.size() > 300, "only " + MAIN.size() + " main classes imported");
        assertFalse(packages.stream().anyMatch(p -> p.startsWith(ROOT + ".architecture")),
                "test classes were imported as main classes");
    }

    @Test
    void theCoreImportsNoFramework() {
        coreImportsNoFramework(ROOT).check(MAIN);
    }

    @Test
    void theCoreDependsOnlyOnTheCore() {
        coreDependsOnlyOnTheCore(ROOT).check(MAIN);
    }

    @Test
    void theCoreRuleFindsACoreClassUsingAnAdapter() {
        String report = violations(coreDependsOnlyOnTheCore(VIOLATIONS), BAD);
        assertTrue(report.contains("<" + VIOLATIONS + ".policy.LoaderUser.loader> has type <" + VIOLATIONS
                + ".snapshot.Loader>"), report);
        assertFalse(report.contains("CliUser") || report.contains("Wiring"), "only the core class breaks it: " + report);
    }

    @Test
    void noAdapterImportsTheCommandLine() {
        noAdapterImportsCli(ROOT).check(MAIN);
    }

    @Test
    void noPackageCycle() {
        noPackageCycles(ROOT).check(MAIN);
    }

    @Test
    void theFrameworkRuleFindsEachFrameworkInACoreClass() {
        String report = violations(coreImportsNoFramework(VIOLATIONS), BAD);
        for (String framework : List.of("io.quarkus.runtime.StartupEvent", "jakarta.enterprise.inject.Instance",
                "org.apache.kafka.clients.producer.Producer", "io.fabric8.kubernetes.api.model.Pod",
                "com.fasterxml.jackson.core.JsonFactory", "io.micrometer.core.instrument.Counter",
                "io.smallrye.mutiny.Uni", "io.vertx.core.Vertx")) {
            assertTrue(report.contains("<" + framework + ">"), framework + " not reported:\n" + report);
        }
        assertFalse(report.contains("CliUser") || report.contains("Runner"), "only the core class breaks it");
    }

    @Test
    void theCliRuleFindsAnAdapterUsingTheCommandLine() {
        String report = violations(noAdapterImportsCli(VIOLATIONS), BAD);
        assertTrue(report.contains("<" + VIOLATIONS + ".api.CliUser.command> has type <" + VIOLATIONS
                + ".cli.Command>"), report);
        assertEquals(1, report.lines().filter(line -> line.contains("violations.cli.Command")).count(), report);
    }

    @Test
    void theCycleRuleFindsACycleBetweenTwoPackages() {
        String report = violations(noPackageCycles(VIOLATIONS), BAD);
        String cycle = "Cycle detected: Slice (config|prune) ->\\s*Slice (prune|config) ->\\s*Slice \\1\n";
        assertTrue(report.matches("(?s)" + cycle + ".*"), report);
        assertTrue(report.contains("<" + VIOLATIONS + ".config.Wiring.runner> has type <" + VIOLATIONS
                + ".prune.Runner>"), report);
        assertFalse(report.contains("Slice api") || report.contains("Slice model"), "only config and prune: " + report);
    }

    @Test
    void noRulePassesOnZeroClasses() {
        JavaClasses none = new ClassFileImporter().importPackages(ROOT + ".nothing");
        assertEquals(0, none.size());
        Stream.of(coreImportsNoFramework(ROOT), coreDependsOnlyOnTheCore(ROOT), noAdapterImportsCli(ROOT),
                        noPackageCycles(ROOT))
                .forEach(rule -> assertTrue(violations(rule, none).contains("failed to check any classes"),
                        rule.getDescription()));
    }

    /** The rule's failure report on {@code classes}; fails the test when the rule passes. */
    private static String violations(ArchRule rule, JavaClasses classes) {
        EvaluationResult result;
        try {
            result = rule.evaluate(classes);
        } catch (AssertionError emptyShould) {
            // archunit reports a rule that checked nothing by throwing rather than as a violation
            return emptyShould.getMessage();
        }
        assertTrue(result.hasViolation(), "the rule passes: " + rule.getDescription());
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
