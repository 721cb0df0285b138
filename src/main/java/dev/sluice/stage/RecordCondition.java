package dev.sluice.stage;

import java.util.Map;

/** A filter's or a when's condition as the compiled stages ask it: of one record, with no exchange. */
@FunctionalInterface
public interface RecordCondition {

    boolean test(Map<String, Object> record) throws Exception;
}
