package io.imageprune.cli;

import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;

/** The same launches against the packaged application (the fast-jar, or the native executable with -Dnative). */
@QuarkusMainIntegrationTest
class PlanMainIT extends PlanMainTest {
}
