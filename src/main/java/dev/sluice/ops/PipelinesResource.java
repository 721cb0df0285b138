package dev.sluice.ops;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.deadletter.DeadLetter;
import dev.sluice.deadletter.DeadLetterFilter;
import dev.sluice.deadletter.DeadLetterStore;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The pipelines and their metrics as JSON: {@code GET /pipelines} and {@code GET /pipelines/{name}};
 * {@code POST /pipelines/{name}/resume} resumes a pipeline paused by its error budget; its dead letters under
 * {@code /pipelines/{name}/dead-letters}: listed (filtered, paged), one by id, and replayed.
 */
@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READ)
public class PipelinesResource {

    /** At most this many dead letters a page. */
    static final int MAX_PAGE = 1000;

    private final Pipelines pipelines;
    private final DeadLetters deadLetters;

    public PipelinesResource(Pipelines pipelines, DeadLetters deadLetters) {
        this.pipelines = pipelines;
        this.deadLetters = deadLetters;
    }

    /** What to replay: the dead letters named by {@code ids}, or those a filter matches, or {@code all}. */
    public record ReplayRequest(List<String> ids, String stage, String reason, String since, String until,
            Boolean all, Boolean unverified) {
    }

    @GET
    public List<PipelineReport> list() {
        return pipelines.reports();
    }

    @GET
    @Path("/{name}")
    public PipelineReport get(@PathParam("name") String name) {
        return report(name);
    }

    /** Resumes a pipeline its error budget paused, before its pause is over. */
    @POST
    @Path("/{name}/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATE)
    public PipelineReport resume(@PathParam("name") String name) {
        PipelineReport report = report(name);
        return pipelines.resume(name) ? report(name) : report;
    }

    /** The pipeline's report, or 404; not a resource method, so a method of another role may call it. */
    private PipelineReport report(String name) {
        return pipelines.report(name).orElseThrow(() -> new NotFoundException(HttpErrors.json(Response.Status.NOT_FOUND,
                "No pipeline named " + name)));
    }

    /**
     * The pipeline's dead letters, newest first: {@code stage} (exact), {@code reason} (part of it, any case),
     * {@code since} and {@code until} (ISO-8601 instants), {@code offset} and {@code limit} (50, at most 1000).
     */
    @GET
    @Path("/{name}/dead-letters")
    public Map<String, Object> deadLetters(@PathParam("name") String name, @QueryParam("stage") String stage,
            @QueryParam("reason") String reason, @QueryParam("since") String since, @QueryParam("until") String until,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("50") int limit) {
        report(name);
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new BadRequestException(HttpErrors.json(Response.Status.BAD_REQUEST,
                    "offset must be 0 or more and limit between 1 and " + MAX_PAGE));
        }
        DeadLetterStore.Page found = deadLetters.page(name, filter(stage, reason, since, until, null), offset, limit);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("pipeline", name);
        page.put("total", found.total());
        page.put("open", found.open());
        page.put("offset", offset);
        page.put("limit", limit);
        page.put("dead_letters", found.letters().stream().map(DeadLetter::entry).toList());
        return page;
    }

    @GET
    @Path("/{name}/dead-letters/{id}")
    public Map<String, Object> deadLetter(@PathParam("name") String name, @PathParam("id") String id) {
        report(name);
        return deadLetters.find(name, id).map(DeadLetter::entry)
                .orElseThrow(() -> new NotFoundException(HttpErrors.json(Response.Status.NOT_FOUND,
                        "Pipeline " + name + " has no dead letter " + id)));
    }

    /**
     * Sends dead letters back through the pipeline (by {@code ids}, by filter, or {@code "all": true}) and answers
     * once each is settled, with what became of it.
     */
    @POST
    @Path("/{name}/dead-letters/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATE)
    public Map<String, Object> replay(@PathParam("name") String name, ReplayRequest request) throws Exception {
        report(name);
        if (request == null || (request.ids() == null || request.ids().isEmpty()) && request.stage() == null
                && request.reason() == null && request.since() == null && request.until() == null
                && !Boolean.TRUE.equals(request.all())) {
            throw new BadRequestException(HttpErrors.json(Response.Status.BAD_REQUEST,
                    "say what to replay: \"ids\", a filter (\"stage\", \"reason\", \"since\", \"until\") or "
                            + "\"all\": true"));
        }
        DeadLetters.Replayed replayed;
        try {
            replayed = deadLetters.replay(name, filter(request.stage(), request.reason(), request.since(),
                    request.until(), request.ids() == null || request.ids().isEmpty() ? null : Set.copyOf(request.ids())),
                    Boolean.TRUE.equals(request.unverified()));
        } catch (IllegalStateException e) {
            throw new ClientErrorException(HttpErrors.json(Response.Status.CONFLICT, e.getMessage()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("pipeline", name);
        answer.put("replayed", replayed.replayed());
        answer.put("outcomes", replayed.outcomes());
        answer.put("results", replayed.results());
        return answer;
    }

    private static DeadLetterFilter filter(String stage, String reason, String since, String until, Set<String> ids) {
        return new DeadLetterFilter(blank(stage), blank(reason), instant("since", since), instant("until", until), ids);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(String name, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(HttpErrors.json(Response.Status.BAD_REQUEST,
                    name + " must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, not " + value));
        }
    }
}
