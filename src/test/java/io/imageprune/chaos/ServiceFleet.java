package io.imageprune.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service processes of the soak: one process with every role ({@code all}), or two with the roles split
 * ({@code ingest}; {@code pruner} = state and pruning). Each life gets a name of its own (its ingest id and lease
 * identity), so a restarted pruner must wait for its predecessor's lease to expire, as a new pod would.
 */
final class ServiceFleet implements AutoCloseable {
    enum Role { ALL, INGEST, PRUNER }

    private final Map<String, String> settings;
    private final Path logDir;
    private final Map<Role, ServiceProcess> current = new HashMap<>();
    private final List<ServiceProcess> lives = new CopyOnWriteArrayList<>();
    private int started;

    ServiceFleet(Map<String, String> settings, Path logDir) {
        this.settings = Map.copyOf(settings);
        this.logDir = logDir;
    }

    /** Stops whatever runs and starts the given topology. */
    synchronized void topology(boolean split) {
        for (ServiceProcess p : current.values()) {
            p.stop();
        }
        current.clear();
        if (split) {
            start(Role.INGEST);
            start(Role.PRUNER);
        } else {
            start(Role.ALL);
        }
    }

    synchronized ServiceProcess start(Role role) {
        Map<String, String> s = new HashMap<>(settings);
        s.put("imageprune.ingest.enabled", Boolean.toString(role != Role.PRUNER));
        s.put("imageprune.state.enabled", Boolean.toString(role != Role.INGEST));
        ServiceProcess p = ServiceProcess.launch(role.name().toLowerCase() + "-" + (++started), s, logDir);
        current.put(role, p);
        lives.add(p);
        return p;
    }

    /** The process that prunes (ALL or PRUNER). */
    synchronized ServiceProcess pruner() {
        ServiceProcess p = current.get(Role.PRUNER);
        return p != null ? p : current.get(Role.ALL);
    }

    synchronized List<Role> roles() {
        return new ArrayList<>(current.keySet());
    }

    /** kill -9 of the role's process; returns it (null if none). */
    synchronized ServiceProcess kill(Role role) {
        ServiceProcess p = current.remove(role);
        if (p != null) {
            p.kill();
        }
        return p;
    }

    synchronized List<ServiceProcess> running() {
        return new ArrayList<>(current.values());
    }

    /** Every process life so far, in start order. */
    List<ServiceProcess> lives() {
        return List.copyOf(lives);
    }

    @Override
    public synchronized void close() {
        for (ServiceProcess p : current.values()) {
            p.kill();
        }
        current.clear();
    }
}
