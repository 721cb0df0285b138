package dev.sluice.ops;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The pipelines and their metrics as JSON: {@code GET /pipelines} and {@code GET /pipelines/{name}};
 * {@code POST /pipelines/{name}/resume} resumes a pipeline paused by its error budget.
 */
@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READ)
public class PipelinesResource {

    private final Pipelines pipelines;
    private final ErrorBudget budget;

    public PipelinesResource(Pipelines pipelines, ErrorBudget budget) {
        this.pipelines = pipelines;
        this.budget = budget;
    }

    @GET
    public List<PipelineReport> list() {
        return pipelines.reports();
    }

    @GET
    @Path("/{name}")
    public PipelineReport get(@PathParam("name") String name) {
        return pipelines.report(name).orElseThrow(() -> new NotFoundException("No pipeline named " + name));
    }

    /** Resumes a pipeline its error budget paused, before its pause is over. */
    @POST
    @Path("/{name}/resume")
    @RolesAllowed(Roles.OPERATE)
    public PipelineReport resume(@PathParam("name") String name) {
        PipelineReport report = get(name);
        return budget.resume(name) ? get(name) : report;
    }
}
