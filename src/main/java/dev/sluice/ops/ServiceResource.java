package dev.sluice.ops;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /service}: what readiness reports failing now, by name and why, for the live page at {@code /}. */
@Path("/service")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READ)
public class ServiceResource {

    private final Pipelines pipelines;

    public ServiceResource(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @GET
    public Map<String, Object> problems() {
        return Map.of("problems", pipelines.problems());
    }
}
