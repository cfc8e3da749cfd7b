package dev.runnel.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The service's two endpoints, on Jetty's core handler API.
 *
 * <p>{@code POST /v1/payloads} takes {@code {"payloads":[{"id":"...","data":...}, ...]}}, at
 * most {@link #MAX_PAYLOADS} of them, and answers, in the order checked:
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><th>status</th><th>when</th></tr>
 *   <tr><td>429, Retry-After</td><td>the client (its {@code X-Client-Id}, or else its address)
 *       is over its rate</td></tr>
 *   <tr><td>413</td><td>the body is larger than the limit (by its Content-Length, or as
 *       read)</td></tr>
 *   <tr><td>400</td><td>the body is not JSON, or not the shape above</td></tr>
 *   <tr><td>503, Retry-After</td><td>the job queue is full (or the service is stopping): nothing
 *       was taken</td></tr>
 *   <tr><td>202</td><td>every payload was queued for storage</td></tr>
 * </table>
 *
 * <p>{@code GET /metrics} answers with the Prometheus text format. The handler never waits for
 * room in the queue or the event buffer: a request is answered as soon as its body is read.
 */
final class PayloadHandler extends Handler.Abstract {

  /** The most payloads one request may carry. */
  static final int MAX_PAYLOADS = 1000;

  /** The longest client id taken from the header. */
  static final int MAX_CLIENT_ID = 64;

  private final ClientLimiters limiters;
  private final int maxBodyBytes;
  private final ObjectMapper json;
  private final UploadService uploads;
  private final AnalyticsService analytics;
  private final RequestStats stats;
  private final Supplier<String> metrics;

  /** A handler over the demo's parts; {@code metrics} gives the Prometheus text. */
  PayloadHandler(ClientLimiters limiters, int maxBodyBytes, ObjectMapper json,
      UploadService uploads, AnalyticsService analytics, RequestStats stats,
      Supplier<String> metrics) {
    this.limiters = Objects.requireNonNull(limiters, "limiters");
    this.maxBodyBytes = maxBodyBytes;
    this.json = Objects.requireNonNull(json, "json");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
    this.analytics = Objects.requireNonNull(analytics, "analytics");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      switch (path) {
        case "/v1/payloads" -> {
          if (HttpMethod.POST.is(method)) {
            payloads(request, response, callback);
          } else {
            notAllowed(response, callback, "POST");
          }
        }
        case "/metrics" -> {
          if (HttpMethod.GET.is(method)) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4");
            Content.Sink.write(response, true, metrics.get(), callback);
          } else {
            notAllowed(response, callback, "GET");
          }
        }
        default -> answer(response, callback, 404, "no such endpoint: " + path);
      }
    } catch (IOException readFailed) { // the client went away while sending its body
      callback.failed(readFailed);
    } catch (RuntimeException bug) {
      answer(response, callback, 500, "internal error");
    }
    return true;
  }

  private void payloads(Request request, Response response, Callback callback)
      throws IOException {
    String client = request.getHeaders().get("X-Client-Id");
    if (client == null || client.isBlank()) {
      client = Request.getRemoteAddr(request);
    } else if (client.length() > MAX_CLIENT_ID) {
      answer(response, callback, 400, "X-Client-Id is longer than " + MAX_CLIENT_ID);
      return;
    }
    if (!limiters.allow(client)) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      answer(response, callback, 429, "too many requests from " + client);
      return;
    }
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      answer(response, callback, 413, "body larger than " + maxBodyBytes + " bytes");
      return;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      answer(response, callback, 413, "body larger than " + maxBodyBytes + " bytes");
      return;
    }
    List<byte[]> payloads;
    try {
      payloads = parse(body);
    } catch (JacksonException malformed) {
      answer(response, callback, 400, "malformed JSON");
      return;
    } catch (IllegalArgumentException badShape) {
      answer(response, callback, 400, badShape.getMessage());
      return;
    }
    long number = uploads.tryAccept(payloads);
    if (number < 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      answer(response, callback, 503, "queue full, try again later");
      return;
    }
    analytics.report(new AnalyticsEvent("accepted", client, number, payloads.size(),
        body.length, System.currentTimeMillis()));
    response.setStatus(202);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    stats.record(202);
    Content.Sink.write(response, true, "{\"accepted\":" + payloads.size() + "}", callback);
  }

  /** The payloads of a well-formed body, each as its own JSON bytes. */
  private List<byte[]> parse(byte[] body) throws IOException {
    JsonNode root = json.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    JsonNode list = root.get("payloads");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("\"payloads\" must be a non-empty array");
    }
    if (list.size() > MAX_PAYLOADS) {
      throw new IllegalArgumentException("more than " + MAX_PAYLOADS + " payloads");
    }
    List<byte[]> payloads = new ArrayList<>(list.size());
    for (JsonNode p : list) {
      if (!p.isObject() || !p.path("id").isTextual() || !p.has("data")) {
        throw new IllegalArgumentException(
            "each payload must be an object with a string \"id\" and a \"data\"");
      }
      payloads.add(json.writeValueAsBytes(p));
    }
    return payloads;
  }

  private void notAllowed(Response response, Callback callback, String allowed) {
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    answer(response, callback, 405, "method not allowed");
  }

  private void answer(Response response, Callback callback, int status, String message) {
    stats.record(status);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    String body;
    try {
      body = json.writeValueAsString(Map.of("error", message));
    } catch (JacksonException cannotHappen) {
      body = "{}";
    }
    Content.Sink.write(response, true, body, callback);
  }
}
