package dev.sluice.ops;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Checks the HTTP Basic logins of the API against its users: {@code quarkus.security.users.embedded.users.<name>}
 * (the password's {@link PasswordHash}) and {@code quarkus.security.users.embedded.roles.<name>} (its roles), from a
 * Secret. Every user's line is checked at start, so an old unsalted line stops the service with the way to make a new
 * one. A failed login is logged with the user and the address (never the password) and counted by
 * {@link LoginThrottle}. The slow hash is derived once per password: a login that matched is remembered by a salted
 * fingerprint for {@link #REMEMBER}, so a page that polls does not cost a derivation a request.
 */
@ApplicationScoped
public class Logins implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(Logins.class);
    static final String USERS = "quarkus.security.users.embedded.users.";
    static final String ROLES = "quarkus.security.users.embedded.roles.";
    static final long REMEMBER = TimeUnit.MINUTES.toNanos(10);

    private record User(PasswordHash hash, Set<String> roles) {
    }

    private record Remembered(byte[] fingerprint, long untilNanos) {
    }

    private final Map<String, User> users;
    private final LoginThrottle throttle;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    public Logins(Config config, LoginThrottle throttle) {
        this.users = users(config);
        this.throttle = throttle;
    }

    /** Builds the users at start, so a line Sluice does not accept stops it before it serves anything. */
    void check(@Observes StartupEvent start) {
        LOG.debugf("%d API users", users.size());
    }

    static Map<String, User> users(Config config) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, String> roles = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(USERS)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> hashes.put(unquoted(name.substring(USERS.length())), v));
            } else if (name.startsWith(ROLES)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> roles.put(unquoted(name.substring(ROLES.length())), v));
            }
        }
        Map<String, User> users = new HashMap<>();
        hashes.forEach((user, stored) -> users.put(user, new User(PasswordHash.parse(user, stored),
                Set.copyOf(Arrays.stream(roles.getOrDefault(user, "").split(",")).map(String::trim)
                        .filter(role -> !role.isEmpty()).toList()))));
        return Map.copyOf(users);
    }

    private static String unquoted(String name) {
        return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1)
                : name;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = address(routing);
        String name = request.getUsername();
        char[] password = request.getPassword().getPassword();
        return context.runBlocking(() -> {
            User user = users.get(name);
            if (user != null && matches(name, user.hash(), password)) {
                throttle.succeeded(name);
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                        .addRoles(user.roles()).build();
            }
            if (user == null) {
                PasswordHash.decoy().matches(password); // the same time as a wrong password
            }
            throttle.failed(name, address);
            LOG.warnf("Failed login of user %s from %s%s", printable(name), address,
                    user == null ? " (no such user)" : "");
            throw new AuthenticationFailedException();
        });
    }

    private boolean matches(String name, PasswordHash hash, char[] password) {
        byte[] fingerprint = hash.fingerprint(password);
        Remembered known = remembered.get(name);
        long now = System.nanoTime();
        if (known != null && now - known.untilNanos() < 0
                && java.security.MessageDigest.isEqual(known.fingerprint(), fingerprint)) {
            return true;
        }
        if (!hash.matches(password)) {
            return false;
        }
        remembered.put(name, new Remembered(fingerprint, now + REMEMBER));
        return true;
    }

    static String address(RoutingContext routing) {
        return routing == null || routing.request().remoteAddress() == null ? "unknown"
                : routing.request().remoteAddress().hostAddress();
    }

    /** A user name as sent, fit for one log line: control characters escaped, at most 64 characters. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c) || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(text.codePointCount(0, text.length()) > 64 ? "…\"" : "\"").toString();
    }
}
