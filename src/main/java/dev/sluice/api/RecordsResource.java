package dev.sluice.api;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.config.SluiceConfig;
import dev.sluice.ops.Roles;
import dev.sluice.record.Json;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.source.HttpSpool;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Real-time entry: {@code POST /pipelines/{name}/records} hands records to a pipeline built on
 * {@link Sources#http()}, as {@code application/json} (one object or an array of objects) or
 * {@code application/x-ndjson} (objects one per line). The caller needs the role {@code ingest} or
 * {@code ingest:<name>}. Answers:
 * <ul>
 * <li>202 {@code {"accepted": n}}: every record is on disk in the pipeline's spool and will be written or
 * dead-lettered, even across a crash (docs/delivery-guarantees.md);</li>
 * <li>400: the body is not JSON objects; nothing accepted. Records that are objects but break the pipeline's schema,
 * or are longer than {@code sluice.source.max-record-bytes}, are accepted and dead-lettered like a bad line of a
 * file, with the caller's name;</li>
 * <li>401, 403: no credentials, or no role for this pipeline; 404: no running pipeline of that name takes records;</li>
 * <li>413: the body is larger than {@code sluice.http.max-body-bytes} or holds more than
 * {@code sluice.http.max-records-per-request} records; 415: another content type;</li>
 * <li>422: most of the caller's recent records to this pipeline were dead-lettered (its error budget, per sender):
 * {@code {"error", "reasons"}} with the reasons, and Retry-After; others may still post;</li>
 * <li>429: the caller holds its share of the spool (Retry-After); others may still post;</li>
 * <li>503: the spool is full or cannot be written (Retry-After); nothing accepted.</li>
 * </ul>
 */
@Path("/pipelines/{name}/records")
@Authenticated
public class RecordsResource {

    static final String NDJSON = "application/x-ndjson";
    /** What a pipeline holds back while its spool cannot be written. */
    private static final String SPOOL = "spool";

    private final PipelineRuntimes runtimes;
    private final SecurityIdentity caller;
    private final int maxRecords;

    public RecordsResource(PipelineRuntimes runtimes, SecurityIdentity caller, SluiceConfig config) {
        this.runtimes = runtimes;
        this.caller = caller;
        this.maxRecords = config.http().maxRecordsPerRequest();
    }

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, NDJSON })
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("name") String name, byte[] body) {
        String user = caller.getPrincipal().getName();
        if (!caller.hasRole(Roles.INGEST) && !caller.hasRole(Roles.ingest(name))) {
            return answer(Response.Status.FORBIDDEN, "error", "user " + user + " may not post records to pipeline "
                    + name + ": it needs the role " + Roles.INGEST + " or " + Roles.ingest(name));
        }
        PipelineRuntime runtime = runtimes.find(name).orElse(null);
        HttpSpool spool = runtime == null ? null : runtime.part(HttpSpool.class).orElse(null);
        if (spool == null) {
            return answer(Response.Status.NOT_FOUND, "error", "no running pipeline " + name + " takes records");
        }
        PipelineRuntime.SenderRefusal refused = runtime.senderRefusal(user);
        if (refused != null) {
            return Response.status(422).header("Retry-After", Long.toString(refused.retryAfterSeconds()))
                    .type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", refused.error(), "reasons", refused.reasons())).build();
        }
        List<byte[]> records;
        try {
            records = split(body, maxRecords);
        } catch (TooManyRecordsException e) {
            return answer(Response.Status.REQUEST_ENTITY_TOO_LARGE, "error", e.getMessage());
        } catch (IOException e) {
            return answer(Response.Status.BAD_REQUEST, "error", e.getMessage());
        }
        try {
            spool.accept(records, user);
            runtime.release(spool, SPOOL);
        } catch (HttpSpool.FullException e) {
            return Response.status(e.senderShare() ? 429 : 503).header("Retry-After", e.senderShare() ? "1" : "5")
                    .entity(Map.of("error", e.getMessage())).build();
        } catch (IOException e) {
            runtime.hold(spool, SPOOL, "cannot be written: " + e.getMessage(), () -> Files.isWritable(spool.dir()));
            return Response.status(503).header("Retry-After", "5")
                    .entity(Map.of("error", "the spool of " + name + " cannot be written: " + e.getMessage())).build();
        }
        return answer(Response.Status.ACCEPTED, "accepted", records.size());
    }

    static final class TooManyRecordsException extends IOException {
        TooManyRecordsException(int max) {
            super("more than " + max + " records in one request (sluice.http.max-records-per-request): split it");
        }
    }

    /**
     * The records of a body, each exactly as sent: one object, an array of objects, or objects one after the other
     * (JSON Lines). Objects are delimited by the parser without being built in memory, so a body of millions of small
     * values costs no more than its bytes; line breaks between tokens become spaces, so each record is one line.
     */
    static List<byte[]> split(byte[] body, int maxRecords) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (JsonParser parser = Json.bodyParser(body)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new IOException("empty body: send a JSON object, an array of objects, or JSON Lines");
            }
            boolean array = token == JsonToken.START_ARRAY;
            if (array) {
                token = parser.nextToken();
            }
            while (token != null && token != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("record " + (records.size() + 1) + " is not a JSON object");
                }
                if (records.size() == maxRecords) {
                    throw new TooManyRecordsException(maxRecords);
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                records.add(oneLine(Arrays.copyOfRange(body, start, end)));
                token = parser.nextToken();
            }
            if (array && (token != JsonToken.END_ARRAY || parser.nextToken() != null)) {
                throw new IOException("the array is not closed, or something follows it");
            }
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON after record " + records.size() + ": " + e.getOriginalMessage());
        }
        if (records.isEmpty()) {
            throw new IOException("no records in the body");
        }
        return records;
    }

    /** Raw line breaks can only be whitespace between tokens in valid JSON (never inside a string). */
    private static byte[] oneLine(byte[] record) {
        for (int i = 0; i < record.length; i++) {
            if (record[i] == '\n' || record[i] == '\r') {
                record[i] = ' ';
            }
        }
        return record;
    }

    private static Response answer(Response.Status status, String key, Object value) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of(key, value)).build();
    }
}
