package dev.sluice.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.record.Json;

/**
 * {@code dead-letters list|show|replay}: the dead letters of a running service, from the command line, through its
 * API ({@code GET /pipelines/{name}/dead-letters}, {@code POST …/replay}). The service is {@code SLUICE_URL}
 * (default {@code http://localhost:8080}); the user {@code SLUICE_USER} with the password {@code SLUICE_PASSWORD} or
 * the file {@code SLUICE_PASSWORD_FILE} (replay needs the operate role).
 */
public final class DeadLettersCommand {

    static final String USAGE = """
            usage: java -jar quarkus-run.jar dead-letters <command> <pipeline> [options]
              list <pipeline> [--stage S] [--reason TEXT] [--since T] [--until T] [--offset N] [--limit N] [--json]
              show <pipeline> <id>
              replay <pipeline> (--id ID ... | --stage S | --reason TEXT | --since T | --until T | --all)
            T is an ISO-8601 instant (2026-12-01T10:00:00Z). The service: SLUICE_URL (http://localhost:8080),
            SLUICE_USER and SLUICE_PASSWORD or SLUICE_PASSWORD_FILE.""";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public DeadLettersCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    static int run(String... args) {
        return new DeadLettersCommand(System.getenv(), System.out, System.err).execute(args);
    }

    /** 0: done; 1: the service refused or could not be reached; 2: a usage error. */
    public int execute(String... args) {
        if (args.length < 3) {
            err.println(USAGE);
            return 2;
        }
        String command = args[1];
        String pipeline = args[2];
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--all") || args[i].equals("--json")) {
                options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add("true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
            } else if (args[i].startsWith("--")) {
                err.println("option " + args[i] + " needs a value\n" + USAGE);
                return 2;
            } else {
                words.add(args[i]);
            }
        }
        String base = "/pipelines/" + encode(pipeline) + "/dead-letters";
        try {
            return switch (command) {
                case "list" -> list(base, options);
                case "show" -> {
                    if (words.size() != 1) {
                        err.println("show needs the id of one dead letter\n" + USAGE);
                        yield 2;
                    }
                    yield print(send(HttpRequest.newBuilder(uri(base + "/" + encode(words.get(0)))).GET()), true);
                }
                case "replay" -> replay(base, options);
                default -> {
                    err.println("unknown dead-letters command " + command + "\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IOException e) {
            // a refused connection has no message of its own, only its class
            err.println("Cannot reach the service at " + url() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int list(String base, Map<String, List<String>> options) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        for (String name : List.of("stage", "reason", "since", "until", "offset", "limit")) {
            if (options.containsKey(name)) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(encode(options.get(name).get(0)));
            }
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(base + query)).GET());
        if (response.statusCode() != 200 || options.containsKey("json")) {
            return print(response, true);
        }
        Map<String, Object> page = Json.OWN.readValue(response.body(), new TypeReference<>() {
        });
        List<?> letters = (List<?>) page.get("dead_letters");
        out.printf("%s: %d dead letters%s%n", page.get("pipeline"), ((Number) page.get("total")).intValue(),
                letters.size() < ((Number) page.get("total")).intValue()
                        ? " (" + letters.size() + " from " + page.get("offset") + ")" : "");
        for (Object item : letters) {
            Map<?, ?> letter = (Map<?, ?>) item;
            Map<?, ?> replay = (Map<?, ?>) letter.get("replay");
            out.printf("%s  %s  %s  %s%s%n", letter.get("id"), letter.get("time"), letter.get("stage"),
                    letter.get("reason"), replay == null ? "" : "  [replayed: " + replay.get("outcome") + "]");
        }
        return 0;
    }

    private int replay(String base, Map<String, List<String>> options) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (options.containsKey("id")) {
            body.put("ids", options.get("id"));
        }
        for (String name : List.of("stage", "reason", "since", "until")) {
            if (options.containsKey(name)) {
                body.put(name, options.get(name).get(0));
            }
        }
        if (options.containsKey("all")) {
            body.put("all", true);
        }
        if (body.isEmpty()) {
            err.println("replay needs --id, a filter or --all\n" + USAGE);
            return 2;
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(base + "/replay"))
                .timeout(Duration.ofMinutes(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
        if (response.statusCode() != 200) {
            return print(response, true);
        }
        Map<String, Object> answer = Json.OWN.readValue(response.body(), new TypeReference<>() {
        });
        out.printf("%s: replayed %s dead letters %s%n", answer.get("pipeline"), answer.get("replayed"),
                answer.get("outcomes"));
        for (Object item : (List<?>) answer.get("results")) {
            Map<?, ?> result = (Map<?, ?>) item;
            out.printf("%s  %s%s%n", result.get("id"), result.get("outcome"),
                    result.get("reason") == null ? "" : "  " + result.get("reason"));
        }
        return 0;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        String user = env.get("SLUICE_USER");
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password()).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String password() throws IOException {
        String file = env.get("SLUICE_PASSWORD_FILE");
        return file != null ? Files.readString(Path.of(file)).strip() : env.getOrDefault("SLUICE_PASSWORD", "");
    }

    /** Prints the body (pretty JSON if it is JSON); 0 for a 2xx answer, else 1 with the status. */
    private int print(HttpResponse<String> response, boolean pretty) throws IOException {
        String body = response.body();
        try {
            Object json = Json.OWN.readValue(body, Object.class);
            body = pretty ? Json.OWN.writerWithDefaultPrettyPrinter().writeValueAsString(json) : body;
        } catch (IOException notJson) {
            // printed as it came
        }
        if (response.statusCode() / 100 == 2) {
            out.println(body);
            return 0;
        }
        err.println("The service answered " + response.statusCode() + ": " + body);
        return 1;
    }

    private URI uri(String path) {
        return URI.create(url() + path);
    }

    private String url() {
        return env.getOrDefault("SLUICE_URL", "http://localhost:8080").replaceAll("/+$", "");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
