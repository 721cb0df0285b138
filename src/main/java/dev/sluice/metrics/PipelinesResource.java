package dev.sluice.metrics;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The pipelines and their metrics as JSON: {@code GET /pipelines} and {@code GET /pipelines/{name}}. */
@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelinesResource {

    private final Pipelines pipelines;

    public PipelinesResource(Pipelines pipelines) {
        this.pipelines = pipelines;
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
}
