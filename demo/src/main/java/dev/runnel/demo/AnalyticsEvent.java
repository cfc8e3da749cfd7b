package dev.runnel.demo;

/**
 * What the service reports about an accepted request.
 *
 * @param type what happened ("accepted")
 * @param client who sent the request
 * @param request the request's number
 * @param payloads how many payloads it carried
 * @param bytes the size of its body
 * @param at when, in milliseconds since the epoch
 */
public record AnalyticsEvent(
    String type, String client, long request, int payloads, int bytes, long at) {}
