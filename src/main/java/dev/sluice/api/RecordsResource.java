package dev.sluice.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.record.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Real-time entry: {@code POST /pipelines/{name}/records} hands records to a pipeline built on a stream
 * ({@link Sources#stream}). The body is one JSON object, a JSON array of objects, or JSON Lines. Answers:
 * <ul>
 * <li>202 {@code {"accepted": n}}: all records are in the pipeline (in memory: written within the pipeline's window
 * unless the sink is down; see docs/delivery-guarantees.md);</li>
 * <li>400 {@code {"error": reason}}: the body is not JSON objects; nothing accepted. Records that are JSON objects
 * but break the pipeline's schema are accepted and dead-lettered, like a bad line of a file;</li>
 * <li>404: no running pipeline of that name takes records;</li>
 * <li>429: the pipeline holds as many records as it may (Retry-After: 1); nothing accepted;</li>
 * <li>503: the pipeline is stopping.</li>
 * </ul>
 */
@Path("/pipelines/{name}/records")
public class RecordsResource {

    private final SluiceApi api;

    public RecordsResource(SluiceApi api) {
        this.api = api;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("name") String name, byte[] body) {
        StreamSource stream = api.running(name).flatMap(Pipeline::stream).orElse(null);
        if (stream == null) {
            return answer(Response.Status.NOT_FOUND, "error", "no running pipeline " + name + " takes records");
        }
        List<byte[]> records;
        try {
            records = split(body);
        } catch (IOException e) {
            return answer(Response.Status.BAD_REQUEST, "error", e.getMessage());
        }
        try {
            stream.ingestAll(records);
        } catch (StreamFullException e) {
            return Response.status(429).header("Retry-After", "1").entity(Map.of("error", e.getMessage())).build();
        } catch (IllegalStateException e) {
            return answer(Response.Status.SERVICE_UNAVAILABLE, "error", e.getMessage());
        }
        return answer(Response.Status.ACCEPTED, "accepted", records.size());
    }

    /** The records of a body: one object, an array of objects, or objects one after the other (JSON Lines). */
    static List<byte[]> split(byte[] body) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
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
                JsonNode record = Json.MAPPER.readTree(parser);
                records.add(Json.MAPPER.writeValueAsBytes(record));
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

    private static Response answer(Response.Status status, String key, Object value) {
        return Response.status(status).entity(Map.of(key, value)).build();
    }
}
