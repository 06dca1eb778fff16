package io.imageprune.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * Runs the JSON loader over a small document with every item kind and token shape, once per JVM, before the first
 * real load. The JIT compiles hot methods with the branch and type profiles it has seen; code first seen late in a
 * big snapshot (the first {@code null} after 200,000 images, the first ImageStream, ...) would otherwise invalidate
 * compiled code and force recompilation in the middle of the load. Costs a few milliseconds.
 */
final class Warmup {
    private static final int ROUNDS = 150;
    private static volatile boolean done;

    static final String DOCUMENT = """
            {"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
            {"apiVersion":"image.openshift.io/v1","kind":"Image","metadata":{"name":"sha256:\
            1111111111111111111111111111111111111111111111111111111111111111","uid":"u","resourceVersion":"1",\
            "creationTimestamp":"2024-11-30T03:54:16Z","annotations":{"openshift.io/image.managed":"true","x":"y"}},\
            "dockerImageReference":"registry.example:5000/ns/app@sha256:\
            1111111111111111111111111111111111111111111111111111111111111111",\
            "dockerImageMetadata":{"kind":"DockerImage","apiVersion":"image.openshift.io/1.0","Id":"sha256:\
            c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1","Created":"2024-11-30T03:50:48Z",\
            "Size":251929362,"Config":{"Env":["A=b"],"Labels":null,"Tty":false,"OpenStdin":true},"Nums":[1.5,-2,3e4,0]},\
            "dockerImageMetadataVersion":"1.0",\
            "dockerImageLayers":[{"name":"sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",\
            "size":100,"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip"},\
            {"name":"sha256:a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2","size":200,"mediaType":""},\
            {"name":"tarsum.dev+sha256:a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3","size":0}],\
            "dockerImageManifestMediaType":"application/vnd.docker.distribution.manifest.v2+json"},
            {"dockerImageLayers":[],"metadata":{"name":"sha256:\
            2222222222222222222222222222222222222222222222222222222222222222","creationTimestamp":null,\
            "annotations":null},"kind":"Image","apiVersion":"image.openshift.io/v1","dockerImageMetadata":null,\
            "dockerImageManifestMediaType":"application/vnd.oci.image.index.v1+json",\
            "dockerImageManifests":[{"digest":"sha256:\
            1111111111111111111111111111111111111111111111111111111111111111","mediaType":"","manifestSize":0,\
            "architecture":"amd64","os":"linux","variant":"v8"}]},
            {"apiVersion":"image.openshift.io/v1","kind":"ImageStream","metadata":{"name":"app","namespace":"ns",\
            "creationTimestamp":"2024-10-18T17:05:36.25+02:00","generation":1,"labels":{"a":"b"}},\
            "spec":{"lookupPolicy":{"local":false},"tags":[{"name":"t","from":{"kind":"DockerImage","name":"x"},\
            "importPolicy":{},"referencePolicy":{"type":"Source"}}]},"status":{"dockerImageRepository":\
            "registry.example:5000/ns/app","tags":[{"tag":"latest","items":[{"created":"2024-12-01T00:00:00Z",\
            "dockerImageReference":"r/ns/app@sha256:1111111111111111111111111111111111111111111111111111111111111111",\
            "image":"sha256:1111111111111111111111111111111111111111111111111111111111111111","generation":1},\
            {"created":null,"image":"sha256:2222222222222222222222222222222222222222222222222222222222222222"}]},\
            {"tag":"empty","items":null,"conditions":[{"type":"ImportSuccess","status":"False"}]}],\
            "publicDockerImageRepository":"default-route/ns/app"}},
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","creationTimestamp":\
            "2025-01-02T03:04:05Z","ownerReferences":[{"kind":"ReplicaSet","controller":true}]},\
            "spec":{"initContainers":[{"name":"i","image":"img/i","args":["a","b\\"c\\u00e9\\n"]}],"containers":[\
            {"name":"c","image":"registry.example:5000/ns/app:latest","ports":[{"containerPort":8080}],\
            "resources":{}}],"ephemeralContainers":[{"name":"e","image":"dbg"}],"nodeName":"n\u00e9"},\
            "status":{"phase":"Running","containerStatuses":[{"ready":true,"restartCount":0}]}},
            {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"rc","namespace":"ns"},\
            "spec":{"replicas":1,"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[\
            {"name":"c","image":"img/rc"}]}}},"status":{"replicas":1}},
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs","namespace":"ns"},\
            "spec":{"template":{"spec":{"containers":[{"name":"c","image":"img/rs"}]}}}},
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns"},\
            "spec":{"template":{"spec":{"initContainers":null,"containers":[{"name":"c","image":"img/d"}]}}}},
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"ds","namespace":"ns"},\
            "spec":{"template":{"spec":{"containers":[{"name":"c","image":"img/ds"}]}}}},
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"sts","namespace":"ns"},\
            "spec":{"template":{"spec":{"containers":[{"name":"c","image":"img/sts"}]}}}},
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"ns"},\
            "spec":{"template":{"spec":{"containers":[{"name":"c","image":"img/j"}]}}}},
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj","namespace":"ns"},\
            "spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[\
            {"name":"c","image":"img/cj"}]}}}}}},
            {"apiVersion":"apps.openshift.io/v1","kind":"DeploymentConfig","metadata":{"name":"dc","namespace":"ns"},\
            "spec":{"triggers":[{"type":"ConfigChange"}],"template":{"spec":{"containers":[{"name":"",\
            "image":"img/dc"}]}}}},
            {"apiVersion":"build.openshift.io/v1","kind":"Build","metadata":{"name":"b","namespace":"ns"},\
            "spec":{"strategy":{"type":"Source","sourceStrategy":{"from":{"kind":"ImageStreamTag",\
            "namespace":"openshift","name":"python:3.9"}},"dockerStrategy":null}},"status":{"phase":"Complete"}},
            {"apiVersion":"build.openshift.io/v1","kind":"BuildConfig","metadata":{"name":"bc","namespace":"ns"},\
            "spec":{"strategy":{"dockerStrategy":{"from":{"kind":"DockerImage","name":"x/y@sha256:\
            1111111111111111111111111111111111111111111111111111111111111111"}},"customStrategy":{}}}},
            {"apiVersion":"build.openshift.io/v1","kind":"Build","metadata":{"name":"b2","namespace":"ns"},\
            "spec":{"strategy":{"customStrategy":{"from":{"kind":"DockerImage","name":"c"}}}}},
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"l","namespace":"ns"},\
            "spec":{"limits":[{"type":"Container","max":{"cpu":"2"}},{"type":"openshift.io/Image",\
            "max":{"storage":"150Mi"}},{"type":"openshift.io/Image","max":{"storage":1000}}]}},
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm"},"data":{"k\\u0041":"v"}},
            {"metadata":{"name":"s"},"kind":"Service","spec":{"ports":[[1,2],[]],"x":{}}}
            ]}
            """;

    private Warmup() {
    }

    static void once() {
        if (done) {
            return;
        }
        synchronized (Warmup.class) {
            if (done) {
                return;
            }
            done = true;
            byte[] bytes = DOCUMENT.getBytes(StandardCharsets.UTF_8);
            SnapshotSink ignore = new SnapshotSink() {
            };
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    new LoadRun(new JsonScanner(bytes), false, ignore, 64).run();
                }
            } catch (Exception | StackOverflowError e) {
                // a warm-up problem must never affect a real load
            }
        }
    }
}
