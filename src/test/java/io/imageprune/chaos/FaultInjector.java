package io.imageprune.chaos;

import io.imageprune.testkit.BrokerProcess;
import io.imageprune.testkit.ApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.imageprune.registry.testkit.DistributionRegistry;
import io.imageprune.registry.testkit.FaultProxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;

/**
 * Seeded faults, one at a time, each with its start and end recorded: the broker stopped or killed and started again,
 * a service process killed with SIGKILL (also in the middle of a run) and started again, the registry answering 5xx in
 * bursts, slowed down or stopped, the API server's watches dropped or failed with 410 Gone, or the API server replaced
 * by a new one holding the same objects less some referrers deleted while it was away.
 */
final class FaultInjector {
    enum Kind { BROKER_STOP, BROKER_KILL, SERVICE_KILL, SERVICE_KILL_MID_RUN, REGISTRY_5XX, REGISTRY_SLOW, REGISTRY_STOP,
        API_WATCH_DROP, API_WATCH_GONE, API_RESTART }

    record Fault(Kind kind, long startNanos, long endNanos, String detail) {
        boolean overlaps(long from, long to) {
            return startNanos <= to && endNanos >= from;
        }
    }

    private final Random random;
    private final BrokerProcess broker;
    private final DistributionRegistry registry;
    private final FaultProxy proxy;
    private final ApiServer api;
    private final ServiceFleet fleet;
    private final ClusterChurn churn;
    private final Lock apiExclusive;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    FaultInjector(long seed, BrokerProcess broker, DistributionRegistry registry, FaultProxy proxy, ApiServer api,
                  ServiceFleet fleet, ClusterChurn churn, Lock apiExclusive) {
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.broker = broker;
        this.registry = registry;
        this.proxy = proxy;
        this.api = api;
        this.fleet = fleet;
        this.churn = churn;
        this.apiExclusive = apiExclusive;
    }

    /** The next fault of the seeded schedule, chosen among {@code kinds}; blocks until it is over. */
    Fault inject(List<Kind> kinds) throws InterruptedException {
        Kind kind = kinds.get(random.nextInt(kinds.size()));
        long start = System.nanoTime();
        String detail = switch (kind) {
            case BROKER_STOP, BROKER_KILL -> {
                Duration down = millis(3000, 9000);
                broker.stop(kind == Kind.BROKER_KILL);
                start = System.nanoTime();
                Thread.sleep(down.toMillis());
                broker.start();
                yield "down " + down.toMillis() + " ms";
            }
            case SERVICE_KILL, SERVICE_KILL_MID_RUN -> {
                List<ServiceFleet.Role> roles = fleet.roles();
                if (roles.isEmpty()) {
                    yield "no process";
                }
                ServiceFleet.Role role = roles.contains(ServiceFleet.Role.ALL) ? ServiceFleet.Role.ALL
                        : roles.get(random.nextInt(roles.size()));
                if (kind == Kind.SERVICE_KILL_MID_RUN) {
                    role = roles.contains(ServiceFleet.Role.ALL) ? role : ServiceFleet.Role.PRUNER;
                    awaitDelete(Duration.ofSeconds(10));
                }
                Duration down = millis(500, 3000);
                start = System.nanoTime();
                ServiceProcess killed = fleet.kill(role);
                Thread.sleep(down.toMillis());
                fleet.start(role);
                yield (killed == null ? role : killed.name()) + ", restarted after " + down.toMillis() + " ms";
            }
            case REGISTRY_5XX -> {
                Duration burst = millis(1500, 5000);
                int status = random.nextBoolean() ? 503 : 500;
                FaultProxy.Rule rule = random.nextBoolean() ? proxy.failAlways(status, "DELETE", ".*")
                        : proxy.failAlways(status, "*", ".*");
                Thread.sleep(burst.toMillis());
                rule.remove();
                yield status + " for " + burst.toMillis() + " ms";
            }
            case REGISTRY_SLOW -> {
                Duration slow = millis(200, 900);
                Duration span = millis(3000, 8000);
                FaultProxy.Rule rule = proxy.delay(slow, "*", ".*");
                Thread.sleep(span.toMillis());
                rule.remove();
                yield slow.toMillis() + " ms per request for " + span.toMillis() + " ms";
            }
            case REGISTRY_STOP -> {
                Duration down = millis(2000, 6000);
                registry.stop();
                Thread.sleep(down.toMillis());
                registry.start();
                yield "down " + down.toMillis() + " ms";
            }
            case API_WATCH_DROP -> {
                api.dropWatches();
                yield "connections dropped";
            }
            case API_WATCH_GONE -> {
                api.goneWatches();
                yield "connections dropped, watches from before answered 410 Gone";
            }
            case API_RESTART -> {
                Duration away = millis(1000, 4000);
                Set<String> live = Set.copyOf(churn.referrers().keySet());
                List<String> deleted = new ArrayList<>();
                apiExclusive.lock();
                try {
                    Thread.sleep(away.toMillis());
                    List<HasMetadata> dropped = api.restart(o -> {
                        String key = o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
                        return !live.contains(key) || random.nextInt(100) >= 30;
                    });
                    for (HasMetadata o : dropped) {
                        String key = o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
                        churn.forget(key);
                        deleted.add(key);
                    }
                } finally {
                    apiExclusive.unlock();
                }
                yield "away " + away.toMillis() + " ms, deleted meanwhile " + deleted.size() + " referrers";
            }
        };
        Fault fault = new Fault(kind, start, System.nanoTime(), detail);
        faults.add(fault);
        return fault;
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }

    private void awaitDelete(Duration atMost) throws InterruptedException {
        int before = proxy.requests("DELETE", ".*").size();
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && proxy.requests("DELETE", ".*").size() == before) {
            Thread.sleep(50);
        }
    }

    private Duration millis(int min, int max) {
        return Duration.ofMillis(min + random.nextInt(max - min));
    }
}
