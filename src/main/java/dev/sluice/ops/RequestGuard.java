package dev.sluice.ops;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sluice.config.SluiceConfig;
import dev.sluice.record.Json;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What every request to the API and the live page passes before it is routed or authenticated (docs/security.md):
 * <ul>
 * <li>a path in its normal form only: no encoded slash, backslash, dot or percent, no dot segment, no doubled slash,
 * no path parameter ({@code ;}), so no spelling of a path reaches a resource its permission does not name;</li>
 * <li>no write from another site: a request that changes state ({@code POST}, {@code PUT}, {@code PATCH},
 * {@code DELETE}) carries a content type of the API's own ({@code application/json}, {@code application/x-ndjson}),
 * never a form's, and its {@code Origin} (or, without one, its {@code Referer}) is the service's own or one of
 * {@code sluice.http.allowed-origins};</li>
 * <li>every answer carries headers that keep the page out of frames and caches: a Content-Security-Policy with
 * {@code frame-ancestors 'none'}, {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer}, {@code Cache-Control: no-store} (everything here needs a login);</li>
 * <li>no login attempt while {@link LoginThrottle} holds the user or the address back: 429 with
 * {@code Retry-After}.</li>
 * </ul>
 * A refused request gets a JSON body that says why.
 */
@ApplicationScoped
public class RequestGuard {

    static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    static final Set<String> CONTENT_TYPES = Set.of("application/json", "application/x-ndjson");
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'none'; object-src 'none'";
    /** What a path in its normal form never holds (checked on the path as sent, before any decoding). */
    private static final Pattern NOT_NORMAL = Pattern.compile(
            "(?i)%2f|%5c|%2e|%25|%3b|\\\\|;|//|/\\./|/\\.\\./|/\\.\\.?$");

    private final List<String> allowedOrigins;
    private final LoginThrottle throttle;

    public RequestGuard(SluiceConfig config, LoginThrottle throttle) {
        this.throttle = throttle;
        this.allowedOrigins = config.http().allowedOrigins().orElse(List.of()).stream()
                .map(origin -> origin.toLowerCase(Locale.ROOT).replaceFirst("/+$", "")).toList();
    }

    /** Before the security and the routes of the main port; the management port is not the API. */
    void register(@Observes Filters filters) {
        filters.register(this::guard, 10_000);
    }

    void guard(RoutingContext context) {
        HttpServerRequest request = context.request();
        context.addHeadersEndHandler(ignored -> secure(context.response().headers()));
        String refusal = refusal(request.method(), request.path(), request.getHeader(HttpHeaders.CONTENT_TYPE),
                request.getHeader(HttpHeaders.ORIGIN), request.getHeader(HttpHeaders.REFERER),
                request.getHeader(HttpHeaders.HOST));
        if (refusal == null) {
            String user = basicUser(request.getHeader(HttpHeaders.AUTHORIZATION));
            long wait = user == null ? 0 : throttle.retryAfterSeconds(user, Logins.address(context));
            if (wait > 0) {
                context.response().setStatusCode(429).putHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait))
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(Json.MAPPER.valueToTree(Map.of("error", "too many failed logins of this user or from "
                                + "this address: try again in " + wait + " s")).toString());
                return;
            }
            context.next();
            return;
        }
        int status = refusal.startsWith("415 ") ? 415 : refusal.startsWith("403 ") ? 403 : 400;
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.MAPPER.valueToTree(Map.of("error", refusal.substring(4))).toString());
    }

    /** Why a request is refused, as {@code "<status> <reason>"}, or null when it may go on. */
    String refusal(HttpMethod method, String path, String contentType, String origin, String referer, String host) {
        if (path == null || NOT_NORMAL.matcher(path).find()) {
            return "400 the path is not in its normal form (no encoded or doubled slash, dot segment or path "
                    + "parameter): " + path;
        }
        if (!WRITES.contains(method)) {
            return null;
        }
        String type = contentType == null ? null
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type == null || !CONTENT_TYPES.contains(type)) {
            return "415 a request that changes something is sent as application/json (records also as "
                    + "application/x-ndjson), never as a form: Content-Type was " + (contentType == null ? "missing"
                            : contentType);
        }
        String from = origin != null && !origin.isBlank() && !origin.equals("null") ? origin
                : referer != null && !referer.isBlank() ? originOf(referer) : origin;
        if (from != null && !sameSite(from, host) && !allowedOrigins.contains(from.toLowerCase(Locale.ROOT))) {
            return "403 a request that changes something comes from the service's own page, not from " + from
                    + " (sluice.http.allowed-origins)";
        }
        return null;
    }

    /** The user named by HTTP Basic credentials, or null when there are none. */
    static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The origin ({@code scheme://host[:port]}) of a URL, or the text itself when it is not one. */
    private static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** Whether an origin names the host the request was sent to (its scheme aside: TLS may end before Sluice). */
    static boolean sameSite(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            URI target = URI.create("http://" + host);
            int targetPort = target.getPort() >= 0 ? target.getPort() : port;
            return uri.getHost().equalsIgnoreCase(target.getHost()) && port == targetPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void secure(MultiMap headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
