package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chaos soak's finding (seed 803048, invariant b): after quiescence the graph held one Pod the API no longer had.
 * A relist republished its snapshot of a store while a watch event deleted one of its objects: the tombstone reached
 * the topic first, the snapshot's copy after it, and the listing tombstones only what it did not list.
 */
@EnableKubernetesMockClient(crud = true)
class RelistRepublishTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;

    /** One record on the topic: a key and the resourceVersion published, null for a tombstone. */
    private record Published(String key, String version) {
    }

    @Test
    void anObjectDeletedAfterTheSnapshotIsNotRepublishedAndAnUpdatedOneGoesOutAsTheStoreHoldsIt() {
        List<String> snapshot = List.of("deleted-meanwhile:1", "updated-meanwhile:1", "unchanged:1");
        Map<String, String> storeNow = Map.of("updated-meanwhile", "updated-meanwhile:2", "unchanged", "unchanged:1");
        List<String> published = new ArrayList<>();

        int count = RelistRepublish.republish(snapshot, listed -> storeNow.get(listed.split(":")[0]), new Object(),
                published::add);

        assertEquals(List.of("updated-meanwhile:2", "unchanged:1"), published);
        assertEquals(2, count);
    }

    /**
     * With a real informer: the delete event's tombstone is published while the relist still holds the stale snapshot;
     * the topic must end without the pod, as the API does.
     */
    @Test
    void aPodDeletedByAWatchEventDuringTheRelistStaysDeletedOnTheTopic() {
        client.pods().inNamespace("shop").resource(pod("web")).create();
        client.pods().inNamespace("shop").resource(pod("deleted-during-relist")).create();
        Object eventLock = new Object();
        List<Published> topic = new ArrayList<>();
        SharedIndexInformer<Pod> informer = client.pods().inNamespace("shop").runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                publish(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                publish(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                synchronized (eventLock) {
                    topic.add(new Published(pod.getMetadata().getName(), null));
                }
            }

            private void publish(Pod pod) {
                synchronized (eventLock) {
                    topic.add(new Published(pod.getMetadata().getName(), pod.getMetadata().getResourceVersion()));
                }
            }
        });
        try {
            informer.run();
            await().atMost(WAIT).until(() -> informer.getStore().list().size() == 2);
            List<Pod> snapshot = informer.getStore().list();

            client.pods().inNamespace("shop").withName("deleted-during-relist").delete();
            await().atMost(WAIT).until(() -> {
                synchronized (eventLock) {
                    return topic.contains(new Published("deleted-during-relist", null));
                }
            });
            RelistRepublish.republish(snapshot, informer.getStore()::get, eventLock,
                    pod -> {
                        synchronized (eventLock) {
                            topic.add(new Published(pod.getMetadata().getName(), pod.getMetadata().getResourceVersion()));
                        }
                    });
        } finally {
            informer.close();
        }
        Map<String, String> compacted = new LinkedHashMap<>();
        synchronized (eventLock) {
            topic.forEach(record -> {
                if (record.version() == null) {
                    compacted.remove(record.key());
                } else {
                    compacted.put(record.key(), record.version());
                }
            });
        }
        assertEquals(Set.of("web"), compacted.keySet(), "the topic holds what the API holds; records: " + topic);
    }

    /**
     * The chaos soak's finding (seed 803048, invariant a): an informer's start completes before its handler has been
     * handed the listed objects, so a first listing that left their publishing to the handler wrote its sync marker
     * before some of them; the graph was fresh without a tag head's image and a run deleted that image's layers. The
     * listing publishes the stores itself: every listed object precedes the marker however late the handler is.
     */
    @Test
    void aListingPublishesEveryListedObjectBeforeItsMarkerWhileTheHandlerLags() throws Exception {
        client.pods().inNamespace("shop").resource(pod("web")).create();
        client.pods().inNamespace("shop").resource(pod("worker")).create();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        List<String> topic = java.util.Collections.synchronizedList(new ArrayList<>());
        SharedIndexInformer<Pod> informer = client.pods().inNamespace("shop").runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                try {
                    busy.await(); // a handler pool still busy with other kinds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                topic.add(pod.getMetadata().getName());
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                topic.add(pod.getMetadata().getName());
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
            }
        });
        try {
            informer.start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), topic, "the informer's start completed before its handler published anything");

            RelistRepublish.republish(informer.getStore().list(), informer.getStore()::get, new Object(),
                    pod -> topic.add(pod.getMetadata().getName()));
            topic.add("marker");
        } finally {
            busy.countDown();
            informer.close();
        }
        List<String> beforeMarker = topic.subList(0, topic.indexOf("marker"));
        assertEquals(Set.of("web", "worker"), Set.copyOf(beforeMarker), "records before the marker: " + topic);
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("registry/shop/web:latest").endContainer()
                .endSpec().build();
    }
}
