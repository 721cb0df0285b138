package dev.sluice.ops;

import java.util.Map;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * What the API answers when a request is refused before it reaches a pipeline: always a JSON body that says why, so
 * a client (or the person reading its log) knows what to change.
 */
public class HttpErrors {

    /** The realm named in the {@code WWW-Authenticate} challenge. */
    public static final String REALM = "Sluice";

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    Response unauthorized(RuntimeException e) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"")
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "authentication required: send HTTP Basic credentials of a Sluice user "
                        + "(docs/security.md)"))
                .build();
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return json(Response.Status.FORBIDDEN, e.getMessage() != null ? e.getMessage()
                : "this user has no role that allows the request (docs/security.md lists the roles)");
    }

    @ServerExceptionMapper
    Response unsupportedMediaType(NotSupportedException e) {
        return json(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                "send records as application/json or application/x-ndjson");
    }

    static Response json(Response.Status status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
