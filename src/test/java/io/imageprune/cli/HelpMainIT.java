package io.imageprune.cli;

import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;

/** The same launches against the packaged application, where the help does not even boot the container. */
@QuarkusMainIntegrationTest
class HelpMainIT extends HelpMainTest {
}
