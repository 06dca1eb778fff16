/**
 * Test kit for the registry side of pruning: {@link io.imageprune.registry.testkit.DistributionRegistry} runs the real
 * distribution registry 2.8 ({@code docker-registry}) as a child process, {@link io.imageprune.registry.testkit.RegistryPusher}
 * pushes tiny images with plain HTTP and checks what is left, {@link io.imageprune.registry.testkit.FaultProxy} sits
 * in between to record requests and inject failures.
 *
 * <pre>
 * try (DistributionRegistry registry = DistributionRegistry.launch();
 *      FaultProxy proxy = new FaultProxy(registry.url())) {
 *     RegistryPusher pusher = new RegistryPusher(registry.url());
 *     PushedImage base = pusher.push("ns/base", "v1", "base layer");
 *     PushedImage app = pusher.push("ns/app", "v1", List.of("base layer", "app layer")); // shares base's layer
 *     proxy.failFirst(2, 500, "DELETE", "/v2/.*");
 *     proxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns/app/blobs/.*"), registry::stop);
 *     // ... run the pruner against proxy.url(), then assert with pusher.manifestStatus/blobStatus and proxy.requests()
 * }
 * </pre>
 */
package io.imageprune.registry.testkit;
