package dev.driftwatch.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing browser or driver fails the test with the way to install it, never a skip. */
class HeadlessChromiumTest {
    @TempDir Path dir;

    @Test
    void aMissingBrowserFailsNamingThePackagesAndCi() {
        assertThatThrownBy(
                        () ->
                                HeadlessChromium.start(
                                        dir.resolve("chromium"), HeadlessChromium.CHROMEDRIVER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(dir.resolve("chromium") + " is missing")
                .hasMessageContaining(".ci/run installs them")
                .hasMessageContaining("apt-get install -y chromium chromium-driver");
    }

    @Test
    void aMissingDriverFailsToo() {
        assertThatThrownBy(
                        () ->
                                HeadlessChromium.start(
                                        Path.of("/bin/sh"), dir.resolve("chromedriver")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(dir.resolve("chromedriver") + " is missing");
    }
}
