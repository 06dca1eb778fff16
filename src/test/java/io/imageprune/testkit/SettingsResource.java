package io.imageprune.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * A test resource that starts nothing and only gives the application a test class's own settings: a class declares
 * it with {@code @WithTestResource}, so that the settings it tests stand on the class (and Quarkus starts one
 * application per set of them).
 */
public abstract class SettingsResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public final Map<String, String> start() {
        return settings();
    }

    /** The settings this test class's application runs with. */
    protected abstract Map<String, String> settings();

    @Override
    public final void stop() {
    }
}
