package dev.sluice;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests to the management port (health, metrics): {@code quarkus.management.test-port} of the test profile. */
public final class Management {

    public static final int PORT = 9001;

    private Management() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(PORT).auth().none();
    }
}
