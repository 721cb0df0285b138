package dev.sluice.ops;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ServiceTest} against the packaged application (the jar, or the native executable with -Dnative). */
@QuarkusIntegrationTest
class ServiceIT extends ServiceTest {
}
