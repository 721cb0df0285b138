package dev.sluice.stage;

/** A jq program as a reason quotes it: on one line, its first 200 characters, so a long program never floods a log. */
public final class JqText {

    static final int MAX = 200;

    private JqText() {
    }

    public static String abbreviated(String program) {
        String line = program.strip().replace("\n", "\\n");
        return line.length() <= MAX ? line : line.substring(0, MAX) + "…";
    }
}
