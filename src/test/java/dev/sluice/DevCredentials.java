package dev.sluice;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Every RestAssured request of the Quarkus tests carries the development credential (the {@code %test} user dev/dev
 * with all roles), as an operator's client would; a test about authentication says {@code given().auth().none()}.
 * Set before each test, in the class loader the test runs in.
 */
public class DevCredentials implements QuarkusTestBeforeEachCallback {

    public static final String USER = "dev";
    public static final String PASSWORD = "dev";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.authentication = RestAssured.preemptive().basic(USER, PASSWORD);
    }
}
