package io.imageprune.registry;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InsecureHostsTest {

    @ParameterizedTest(name = "{0} private={1}")
    @CsvSource({
            "localhost, true",
            "localhost:5000, true",
            "127.0.0.1, true",
            "127.0.0.1:5000, true",
            // library-go lists 127.0.0.1 itself, not 127/8
            "127.0.0.2, false",
            "10.0.0.1, true",
            "10.255.255.255:443, true",
            "172.16.0.1, true",
            "172.31.255.1:5000, true",
            "172.32.0.1, false",
            "172.15.255.255, false",
            "192.168.1.1:80, true",
            "192.169.1.1, false",
            "8.8.8.8, false",
            "registry.example.com, false",
            "registry.example.com:5000, false",
            "image-registry.openshift-image-registry.svc:5000, false",
            "::1, true",
            "'[::1]:5000', true",
            // Go's SplitHostPort only strips brackets together with a port
            "'[::1]', false",
            "fd12:3456:789a:1::1, true",
            "'[fd12:3456:789a:1::1]:80', true",
            "fc00::1, true",
            "fe80::1, true",
            "'[fe80::1]:5000', true",
            "febf::1, true",
            "fec0::1, false",
            "2001:db8::1, false",
            "::ffff:10.0.0.1, true",
            // leading zeros are refused by Go's ParseIP
            "010.0.0.1, false",
            "10.1, false",
            "'', false",
            ":5000, false",
            "http://localhost:5000, false",
            "fe80::1%eth0, false",
    })
    void privateAddresses(String host, boolean expected) {
        assertEquals(expected, InsecureHosts.isPrivate(host));
    }

    @ParameterizedTest(name = "{0} force={1} ca={2} -> {3}")
    @CsvSource({
            "registry.example.com, false, false, false",
            "registry.example.com, true, false, true",
            "registry.example.com, true, true, true",
            "http://registry.example.com, false, false, true",
            "http://registry.example.com, false, true, false",
            "10.0.0.1:5000, false, false, true",
            "10.0.0.1:5000, false, true, false",
            "https://10.0.0.1:5000, false, false, false",
    })
    void insecureRule(String host, boolean force, boolean ca, boolean expected) {
        assertEquals(expected, InsecureHosts.insecure(host, force, ca));
    }
}
