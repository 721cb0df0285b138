package dev.sluice.stage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.record.Json;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * jq's date and time functions as jq 1.6 defines them, in UTC: {@code gmtime}, {@code mktime}, {@code strftime},
 * {@code strptime}, {@code todate}/{@code todateiso8601}/{@code date}, {@code fromdate}/{@code fromdateiso8601},
 * {@code dateadd}, {@code datesub}. A broken-down time is jq's array {@code [year, month (0–11), day, hours,
 * minutes, seconds, weekday (0 = Sunday), day of the year (0–365)]}.
 * <p>
 * jq's own functions ignore a timestamp's offset and fractional seconds; for those Sluice adds {@code epoch_seconds}
 * (an ISO-8601 timestamp with its offset → exact seconds since the epoch) and {@code seconds_between(from; to)}
 * (exact, either side a timestamp or seconds). Where Sluice differs from jq 1.6 on purpose is listed in
 * docs/pipelines.md and checked by the differential test against Debian's jq.
 */
final class JqTime {

    private static final String ISO = "%Y-%m-%dT%H:%M:%SZ";
    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};
    private static final Map<String, Long> UNITS = Map.of("second", 1L, "minute", 60L, "hour", 3_600L,
            "day", 86_400L, "week", 604_800L);
    /** 2026-03-05T23:51:47.25+02:00, also with Z, +0200 or +02. */
    private static final DateTimeFormatter OFFSET_TIMESTAMP = new DateTimeFormatterBuilder()
            .parseCaseInsensitive().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendPattern("[XXXXX][XXXX][X]").toFormatter(Locale.ROOT);

    private JqTime() {
    }

    static void addTo(Scope scope) {
        scope.addFunction("gmtime", 0, unary(JqTime::gmtime));
        scope.addFunction("mktime", 0, unary(in -> LongNode.valueOf(mktime(BrokenDown.of(in, "mktime")))));
        scope.addFunction("strftime", 1, (s, args, in, path, out, v) -> JqFunctions.each(s, args, in,
                values -> out.emit(TextNode.valueOf(strftime(in, format(values.get(0), "strftime/1"))), null)));
        scope.addFunction("strptime", 1, (s, args, in, path, out, v) -> JqFunctions.each(s, args, in,
                values -> out.emit(strptime(in, format(values.get(0), "strptime/1")).toJson(), null)));
        Function todate = unary(in -> TextNode.valueOf(strftime(in, ISO)));
        Function fromdate = unary(in -> LongNode.valueOf(mktime(strptime(in, ISO))));
        for (String name : List.of("todate", "todateiso8601", "date")) {
            scope.addFunction(name, 0, todate);
        }
        scope.addFunction("fromdate", 0, fromdate);
        scope.addFunction("fromdateiso8601", 0, fromdate);
        scope.addFunction("dateadd", 2, (s, args, in, path, out, v) -> JqFunctions.each(s, args, in,
                values -> out.emit(number(seconds(in).add(shift(values.get(0), values.get(1)))), null)));
        scope.addFunction("datesub", 2, (s, args, in, path, out, v) -> JqFunctions.each(s, args, in,
                values -> out.emit(number(seconds(in).subtract(shift(values.get(0), values.get(1)))), null)));
        scope.addFunction("epoch_seconds", 0, unary(in -> number(seconds(in))));
        scope.addFunction("seconds_between", 2, (s, args, in, path, out, v) -> JqFunctions.each(s, args, in,
                values -> out.emit(number(seconds(values.get(1)).subtract(seconds(values.get(0)))), null)));
    }

    private interface Unary {
        JsonNode apply(JsonNode in) throws JsonQueryException;
    }

    private static Function unary(Unary body) {
        return (s, args, in, path, out, v) -> out.emit(body.apply(in), null);
    }

    private static String format(JsonNode format, String function) throws JsonQueryException {
        if (!format.isTextual()) {
            throw new JsonQueryException(function + " requires a string format");
        }
        return format.textValue();
    }

    /** Seconds since the epoch, exact: a number, or an ISO-8601 timestamp with its offset (Z, +02:00, +0200). */
    private static BigDecimal seconds(JsonNode value) throws JsonQueryException {
        if (value.isNumber()) {
            return JqFunctions.exact(value);
        }
        if (!value.isTextual()) {
            throw new JsonQueryException(Json.describe(value) + " is not a timestamp");
        }
        try {
            Instant instant = OffsetDateTime.parse(value.textValue().trim(), OFFSET_TIMESTAMP).toInstant();
            return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
        } catch (DateTimeParseException e) {
            throw new JsonQueryException("\"" + JqText.abbreviated(value.textValue())
                    + "\" is not an ISO-8601 timestamp with an offset (2026-03-05T23:51:47.25+02:00)");
        }
    }

    private static BigDecimal shift(JsonNode unit, JsonNode amount) throws JsonQueryException {
        String name = unit.isTextual() ? unit.textValue().toLowerCase(Locale.ROOT) : "";
        Long factor = UNITS.get(name.endsWith("s") ? name.substring(0, name.length() - 1) : name);
        if (factor == null) {
            throw new JsonQueryException("dateadd/datesub: the unit is one of seconds, minutes, hours, days, weeks, not "
                    + Json.describe(unit));
        }
        return JqFunctions.exact(amount).multiply(BigDecimal.valueOf(factor));
    }

    /** A whole number as an integer, anything else as an exact decimal. */
    private static JsonNode number(BigDecimal value) {
        BigDecimal plain = value.stripTrailingZeros();
        if (plain.scale() <= 0 && plain.precision() - plain.scale() <= 18) {
            return LongNode.valueOf(plain.longValueExact());
        }
        return DecimalNode.valueOf(plain);
    }

    /** As jq: whole seconds by truncation, the fraction ({@code x - floor(x)}) added to the seconds field. */
    private static JsonNode gmtime(JsonNode in) throws JsonQueryException {
        if (!in.isNumber()) {
            throw new JsonQueryException("gmtime() requires numeric inputs");
        }
        long whole;
        JsonNode fraction;
        if (in.isIntegralNumber() || in.isBigDecimal()) {
            BigDecimal exact = in.decimalValue();
            whole = exact.setScale(0, RoundingMode.DOWN).longValue();
            BigDecimal part = exact.subtract(exact.setScale(0, RoundingMode.FLOOR));
            fraction = part.signum() == 0 ? null : DecimalNode.valueOf(part);
        } else {
            double x = in.doubleValue();
            whole = (long) x;
            double part = x - Math.floor(x);
            fraction = part == 0 ? null : DoubleNode.valueOf(part);
        }
        BrokenDown time;
        try {
            time = BrokenDown.at(whole);
        } catch (DateTimeException | ArithmeticException e) {
            throw new JsonQueryException("gmtime: " + Json.describe(in) + " seconds since the epoch is out of range");
        }
        ArrayNode array = time.toJson();
        if (fraction instanceof DoubleNode d) {
            array.set(5, DoubleNode.valueOf(time.second + d.doubleValue()));
        } else if (fraction != null) {
            array.set(5, DecimalNode.valueOf(BigDecimal.valueOf(time.second).add(fraction.decimalValue())));
        }
        return array;
    }

    /** timegm: fields out of range carry over, as in C. */
    private static long mktime(BrokenDown t) throws JsonQueryException {
        try {
            return Math.addExact(Math.multiplyExact(epochDay(t.year, t.month, t.day), 86_400L),
                    t.hour * 3_600L + t.minute * 60L + t.second);
        } catch (DateTimeException | ArithmeticException e) {
            throw new JsonQueryException("mktime: the date is out of range");
        }
    }

    private static long epochDay(long year, long month, long day) {
        return LocalDate.of(Math.toIntExact(year + Math.floorDiv(month, 12)), (int) Math.floorMod(month, 12) + 1, 1)
                .toEpochDay() + day - 1;
    }

    private static boolean leap(long year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** jq's broken-down time; {@code weekday} and {@code yearDay} as given, as C's strftime takes them. */
    static final class BrokenDown {
        long year;
        long month;
        long day;
        long hour;
        long minute;
        long second;
        long weekday = 8;    // jq's "not set" values, kept when a parse gives no date
        long yearDay = 367;

        static BrokenDown at(long epochSecond) {
            BrokenDown t = new BrokenDown();
            LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
            t.year = time.getYear();
            t.month = time.getMonthValue() - 1L;
            t.day = time.getDayOfMonth();
            t.hour = time.getHour();
            t.minute = time.getMinute();
            t.second = time.getSecond();
            t.weekday = time.getDayOfWeek().getValue() % 7;
            t.yearDay = time.getDayOfYear() - 1L;
            return t;
        }

        /** From a number (seconds) or a broken-down array of at least six numbers, fractions truncated. */
        static BrokenDown of(JsonNode in, String function) throws JsonQueryException {
            if (in.isNumber() && !function.equals("mktime")) {
                ArrayNode array = (ArrayNode) gmtime(in);
                return of(array, function);
            }
            if (!in.isArray() || in.size() < 6) {
                throw new JsonQueryException(function + " requires parsed datetime inputs");
            }
            long[] fields = new long[8];
            for (int i = 0; i < Math.min(8, in.size()); i++) {
                if (!in.get(i).isNumber()) {
                    throw new JsonQueryException(function + " requires parsed datetime inputs");
                }
                fields[i] = (long) in.get(i).doubleValue();
            }
            BrokenDown t = new BrokenDown();
            t.year = fields[0];
            t.month = fields[1];
            t.day = fields[2];
            t.hour = fields[3];
            t.minute = fields[4];
            t.second = fields[5];
            if (in.size() >= 8) {
                t.weekday = fields[6];
                t.yearDay = fields[7];
            } else {
                t.setWeekday();
                t.setYearDay();
            }
            return t;
        }

        void setWeekday() {
            weekday = Math.floorMod(epochDay(year, month, day) + 4, 7);
        }

        void setYearDay() {
            int[] before = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
            int m = (int) Math.floorMod(month, 12);
            yearDay = before[m] + (m > 1 && leap(year) ? 1 : 0) + day - 1;
        }

        ArrayNode toJson() {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (long field : new long[] {year, month, day, hour, minute, second, weekday, yearDay}) {
                array.add(field);
            }
            return array;
        }
    }

    // ---- strftime, as glibc's for the C locale in UTC

    private static String strftime(JsonNode in, String format) throws JsonQueryException {
        if (!in.isNumber() && !in.isArray()) {
            throw new JsonQueryException("strftime/1 requires parsed datetime inputs");
        }
        BrokenDown t = BrokenDown.of(in, "strftime/1");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int start = i++;
            char flag = 0;
            while (i < format.length() && "-_0^#".indexOf(format.charAt(i)) >= 0) {
                flag = format.charAt(i++);
            }
            int width = -1;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                width = Math.max(width, 0) * 10 + (format.charAt(i++) - '0');
            }
            while (i < format.length() && (format.charAt(i) == 'E' || format.charAt(i) == 'O')) {
                i++;
            }
            if (i >= format.length()) {
                out.append(format, start, i);
                break;
            }
            char conversion = format.charAt(i++);
            String text = conversion(t, conversion, flag, width);
            out.append(text == null ? format.substring(start, i) : text);
        }
        if (out.isEmpty()) {
            throw new JsonQueryException("strftime/1: unknown system failure");
        }
        return out.toString();
    }

    private static String conversion(BrokenDown t, char conversion, char flag, int width) throws JsonQueryException {
        long hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
        return switch (conversion) {
            case 'a' -> cased(name(DAYS, t.weekday, 3), flag);
            case 'A' -> cased(name(DAYS, t.weekday, 0), flag);
            case 'b', 'h' -> cased(name(MONTHS, t.month, 3), flag);
            case 'B' -> cased(name(MONTHS, t.month, 0), flag);
            case 'c' -> strftime(t.toJson(), "%a %b %e %H:%M:%S %Y");
            case 'C' -> number(Math.floorDiv(t.year, 100), 1, flag, width);
            case 'd' -> number(t.day, 2, flag, width);
            case 'D', 'x' -> strftime(t.toJson(), "%m/%d/%y");
            case 'e' -> number(t.day, 2, flag == 0 ? '_' : flag, width);
            case 'F' -> strftime(t.toJson(), "%Y-%m-%d");
            case 'g' -> number(Math.floorMod(isoWeek(t)[0], 100), 2, flag, width);
            case 'G' -> number(isoWeek(t)[0], 1, flag, width);
            case 'H' -> number(t.hour, 2, flag, width);
            case 'I' -> number(hour12, 2, flag, width);
            case 'j' -> number(t.yearDay + 1, 3, flag, width);
            case 'k' -> number(t.hour, 2, flag == 0 ? '_' : flag, width);
            case 'l' -> number(hour12, 2, flag == 0 ? '_' : flag, width);
            case 'm' -> number(t.month + 1, 2, flag, width);
            case 'M' -> number(t.minute, 2, flag, width);
            case 'n' -> "\n";
            case 'p' -> t.hour > 11 ? "PM" : "AM";
            case 'r' -> strftime(t.toJson(), "%I:%M:%S %p");
            case 'R' -> strftime(t.toJson(), "%H:%M");
            case 's' -> number(mktime(t), 1, flag, width);
            case 'S' -> number(t.second, 2, flag, width);
            case 't' -> "\t";
            case 'T', 'X' -> strftime(t.toJson(), "%H:%M:%S");
            case 'u' -> number(t.weekday == 0 ? 7 : t.weekday, 1, flag, width);
            case 'U' -> number((t.yearDay - t.weekday + 7) / 7, 2, flag, width);
            case 'V' -> number(isoWeek(t)[1], 2, flag, width);
            case 'w' -> number(t.weekday, 1, flag, width);
            case 'W' -> number((t.yearDay - Math.floorMod(t.weekday - 1, 7) + 7) / 7, 2, flag, width);
            case 'y' -> number(Math.floorMod(t.year, 100), 2, flag, width);
            case 'Y' -> number(t.year, 1, flag, width);
            case 'z' -> "+0000";
            case 'Z' -> "UTC";
            case '%' -> "%";
            default -> null;
        };
    }

    private static String name(String[] names, long index, int length) {
        if (index < 0 || index >= names.length) {
            return "?";
        }
        return length == 0 ? names[(int) index] : names[(int) index].substring(0, length);
    }

    private static String cased(String text, char flag) {
        return flag == '^' || flag == '#' ? text.toUpperCase(Locale.ROOT) : text;
    }

    private static String number(long value, int digits, char flag, int width) {
        int size = width >= 0 ? width : digits;
        String magnitude = Long.toString(Math.abs(value));
        String sign = value < 0 ? "-" : "";
        if (flag == '-') {
            return sign + magnitude;
        }
        char pad = flag == '_' ? ' ' : '0';
        StringBuilder out = new StringBuilder();
        for (int n = sign.length() + magnitude.length(); n < size; n++) {
            out.append(pad);
        }
        return pad == ' ' ? out + sign + magnitude : sign + out + magnitude;
    }

    /** glibc's ISO 8601 week: {year, week} from the day of the year and the weekday. */
    private static long[] isoWeek(BrokenDown t) {
        long year = t.year;
        long days = isoWeekDays(t.yearDay, t.weekday);
        if (days < 0) {
            year--;
            days = isoWeekDays(t.yearDay + (365 + (leap(year) ? 1 : 0)), t.weekday);
        } else {
            long next = isoWeekDays(t.yearDay - (365 + (leap(year) ? 1 : 0)), t.weekday);
            if (next >= 0) {
                year++;
                days = next;
            }
        }
        return new long[] {year, days / 7 + 1};
    }

    private static long isoWeekDays(long yearDay, long weekday) {
        long bigEnoughMultipleOf7 = (366 / 7 + 2) * 7;
        return yearDay - (yearDay - weekday + 4 + bigEnoughMultipleOf7) % 7 + 3;
    }

    // ---- strptime, as glibc's for the C locale

    private static BrokenDown strptime(JsonNode in, String format) throws JsonQueryException {
        if (!in.isTextual()) {
            throw new JsonQueryException("strptime/1 requires string inputs and arguments");
        }
        Parse parse = new Parse(in.textValue());
        if (!parse.format(format) || parse.at < parse.text.length()) {
            throw new JsonQueryException("date \"" + JqText.abbreviated(in.textValue()) + "\" does not match format \""
                    + format + "\"");
        }
        return parse.result();
    }

    private static final class Parse {
        final String text;
        int at;
        final BrokenDown t = new BrokenDown();
        boolean wantDates;
        boolean haveWeekday;
        boolean haveYearDay;
        boolean haveMonth;
        boolean haveDay;
        boolean pm;
        boolean twelveHour;
        Long epoch;

        Parse(String text) {
            this.text = text;
            t.day = 0;
            t.year = 1900;
        }

        boolean format(String format) {
            int i = 0;
            while (i < format.length()) {
                char c = format.charAt(i++);
                if (Character.isWhitespace(c)) {
                    skipSpace();
                } else if (c != '%') {
                    if (at >= text.length() || text.charAt(at) != c) {
                        return false;
                    }
                    at++;
                } else {
                    while (i < format.length() && (format.charAt(i) == 'E' || format.charAt(i) == 'O')) {
                        i++;
                    }
                    if (i >= format.length() || !conversion(format.charAt(i++))) {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean conversion(char c) {
            switch (c) {
                case '%':
                    return literal('%');
                case 'n', 't':
                    skipSpace();
                    return true;
                case 'a', 'A':
                    haveWeekday = true;
                    return name(DAYS, value -> t.weekday = value);
                case 'b', 'B', 'h':
                    haveMonth = true;
                    wantDates = true;
                    return name(MONTHS, value -> t.month = value);
                case 'd', 'e':
                    haveDay = true;
                    wantDates = true;
                    return number(1, 31, 2, value -> t.day = value);
                case 'm':
                    haveMonth = true;
                    wantDates = true;
                    return number(1, 12, 2, value -> t.month = value - 1);
                case 'Y':
                    wantDates = true;
                    return number(0, 9999, 4, value -> t.year = value);
                case 'y':
                    wantDates = true;
                    return number(0, 99, 2, value -> t.year = value < 69 ? 2000 + value : 1900 + value);
                case 'j':
                    haveYearDay = true;
                    wantDates = true;
                    return number(1, 366, 3, value -> t.yearDay = value - 1);
                case 'H', 'k':
                    twelveHour = false;
                    return number(0, 23, 2, value -> t.hour = value);
                case 'I', 'l':
                    twelveHour = true;
                    return number(1, 12, 2, value -> t.hour = value % 12);
                case 'M':
                    return number(0, 59, 2, value -> t.minute = value);
                case 'S':
                    return number(0, 61, 2, value -> t.second = value);
                case 'p':
                    if (matchWord("AM")) {
                        pm = false;
                        return true;
                    }
                    pm = matchWord("PM");
                    return pm;
                case 's':
                    return epochSeconds();
                case 'z':
                    return offset();
                case 'Z':
                    while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
                        at++;
                    }
                    return true;
                case 'T':
                    return format("%H:%M:%S");
                case 'R':
                    return format("%H:%M");
                case 'D':
                    return format("%m/%d/%y");
                case 'F':
                    return format("%Y-%m-%d");
                case 'r':
                    return format("%I:%M:%S %p");
                default:
                    return false;
            }
        }

        private interface Setter {
            void set(long value);
        }

        private boolean literal(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean number(int min, int max, int digits, Setter setter) {
            skipSpace();
            int start = at;
            long value = 0;
            while (at < text.length() && at - start < digits && Character.isDigit(text.charAt(at))) {
                value = value * 10 + (text.charAt(at++) - '0');
            }
            if (at == start || value < min || value > max) {
                return false;
            }
            setter.set(value);
            return true;
        }

        private boolean name(String[] names, Setter setter) {
            for (int n = 0; n < names.length; n++) {
                if (matchWord(names[n]) || matchWord(names[n].substring(0, 3))) {
                    setter.set(n);
                    return true;
                }
            }
            return false;
        }

        private boolean matchWord(String word) {
            if (text.regionMatches(true, at, word, 0, word.length())) {
                at += word.length();
                return true;
            }
            return false;
        }

        private boolean epochSeconds() {
            int start = at;
            if (at < text.length() && text.charAt(at) == '-') {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            try {
                epoch = Long.parseLong(text.substring(start, at));
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** Read and, as jq, not applied: a broken-down time has no offset. */
        private boolean offset() {
            skipSpace();
            if (literal('Z')) {
                return true;
            }
            if (!literal('+') && !literal('-')) {
                return false;
            }
            int digits = 0;
            while (at < text.length() && digits < 4) {
                char c = text.charAt(at);
                if (Character.isDigit(c)) {
                    digits++;
                    at++;
                } else if (c == ':' && digits == 2) {
                    at++;
                } else {
                    break;
                }
            }
            return digits == 2 || digits == 4;
        }

        BrokenDown result() {
            if (epoch != null) {
                return BrokenDown.at(epoch);
            }
            if (twelveHour && pm) {
                t.hour += 12;
            }
            if (haveYearDay && !(haveMonth && haveDay)) {
                int[] before = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
                int leapDay = leap(t.year) ? 1 : 0;
                int month = 1;
                while (month < 12 && before[month] + (month > 1 ? leapDay : 0) <= t.yearDay) {
                    month++;
                }
                if (!haveMonth) {
                    t.month = month - 1;
                }
                if (!haveDay) {
                    t.day = t.yearDay - (before[month - 1] + (month - 1 > 1 ? leapDay : 0)) + 1;
                }
                haveMonth = true;
                haveDay = true;
            }
            if (wantDates && !haveWeekday) {
                t.setWeekday();
            }
            if (wantDates && !haveYearDay) {
                t.setYearDay();
            }
            return t;
        }
    }
}
