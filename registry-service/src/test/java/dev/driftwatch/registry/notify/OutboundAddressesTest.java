package dev.driftwatch.registry.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Internal addresses in every spelling are refused; allow-listed and public ones are not. */
class OutboundAddressesTest {
    static final OutboundAddresses PUBLIC = OutboundAddresses.PUBLIC_ONLY;

    static String refusal(OutboundAddresses o, String url) {
        return o.refusal(URI.create(url)).orElse("");
    }

    @Test
    void ipv4IsReadAsInetAtonReadsIt() {
        for (String spelling :
                List.of("127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1")) {
            assertThat(OutboundAddresses.literal(spelling))
                    .as(spelling)
                    .hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("127.0.0.1"));
        }
        assertThat(OutboundAddresses.literal("169.254.43518"))
                .hasValueSatisfying(
                        a -> assertThat(a.getHostAddress()).isEqualTo("169.254.169.254"));
        assertThat(OutboundAddresses.literal("hooks.slack.com")).isEmpty();
        assertThat(OutboundAddresses.literal("256.1.1.1")).isEmpty();
        assertThat(OutboundAddresses.literal("4294967296")).isEmpty();
    }

    @Test
    void internalAddressesAreRefusedInEverySpelling() {
        for (String url :
                List.of(
                        "http://127.0.0.1/",
                        "http://2130706433/",
                        "http://0x7f000001/",
                        "http://0177.0.0.1/",
                        "http://[::1]/",
                        "http://[::ffff:127.0.0.1]/",
                        "http://[::ffff:7f00:1]/",
                        "http://[::127.0.0.1]/",
                        "http://[64:ff9b::a9fe:a9fe]/",
                        "http://169.254.169.254/latest/meta-data/",
                        "http://[fe80::1]/",
                        "http://10.1.2.3/",
                        "http://172.16.0.1/",
                        "http://192.168.1.1/",
                        "http://100.64.0.1/",
                        "http://[fd12::1]/",
                        "http://224.0.0.1/",
                        "http://0.0.0.0/",
                        "http://[::]/",
                        "http://255.255.255.255/",
                        "http://localhost/")) {
            assertThat(refusal(PUBLIC, url)).as(url).contains("address; an admin may allow it");
            assertThat(PUBLIC.refusal(URI.create(url))).as(url).isPresent();
        }
        assertThat(refusal(PUBLIC, "http://0x7f000001/"))
                .isEqualTo(
                        "the route's URL resolves to 127.0.0.1, a loopback address; an admin may"
                                + " allow it in the registry's outbound allow-list");
    }

    @Test
    void schemesAndPortsAreChecked() {
        assertThat(refusal(PUBLIC, "ftp://8.8.8.8/")).contains("must be http or https");
        assertThat(refusal(PUBLIC, "http://8.8.8.8:0/")).contains("ports are 1 to 65535");
        assertThat(refusal(PUBLIC, "http://8.8.8.8:70000/")).contains("ports are 1 to 65535");
        assertThat(refusal(PUBLIC, "http://user:pw@8.8.8.8/")).contains("user name or password");
        assertThat(refusal(PUBLIC, "https://8.8.8.8:8443/hook")).isEmpty();
        assertThat(refusal(PUBLIC, "https://[2001:4860:4860::8888]/hook")).isEmpty();
    }

    @Test
    void anAdminAllowsInternalReceiversByCidrOrHostName() {
        OutboundAddresses allowed =
                OutboundAddresses.allowing(List.of("10.20.0.0/16", "127.0.0.1", "hooks.internal"));
        assertThat(refusal(allowed, "http://10.20.3.4/")).isEmpty();
        assertThat(refusal(allowed, "http://10.21.3.4/")).contains("a private address");
        assertThat(refusal(allowed, "http://2130706433:8080/")).isEmpty();
        assertThat(refusal(allowed, "http://127.0.0.2/")).contains("a loopback address");
        assertThat(allowed.refusalWithoutLookup(URI.create("http://hooks.internal/x"))).isEmpty();
        assertThat(PUBLIC.refusalWithoutLookup(URI.create("http://hooks.internal/x")))
                .as("a name is only resolved when sending")
                .isEmpty();
        assertThatThrownBy(() -> OutboundAddresses.allowing(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboundAddresses.allowing(List.of("not a host!")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
