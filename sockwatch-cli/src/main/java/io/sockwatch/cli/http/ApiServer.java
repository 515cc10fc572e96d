package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP server: JDK {@code HttpServer}, one virtual thread per request, exact-path
 * routes, GET and HEAD only. Every failure becomes a JSON error body: {@link HttpProblem} with its
 * own status and message, anything else a 500 that says only "internal error" (the reason goes to
 * the agent's stderr in one line), so no stack trace ever reaches a client.
 */
public final class ApiServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Routes to serve. */
  static final class Routes {
    private final Map<String, Endpoint> byPath = new LinkedHashMap<>();

    Routes add(String path, Endpoint endpoint) {
      if (byPath.putIfAbsent(path, endpoint) != null) {
        throw new IllegalArgumentException("route " + path + " registered twice");
      }
      return this;
    }
  }

  /** Binds {@code address} and starts serving {@code routes}. */
  static ApiServer start(InetSocketAddress address, Routes routes, PrintWriter log)
      throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    Map<String, Endpoint> table = Map.copyOf(routes.byPath);
    server.createContext("/", ex -> dispatch(ex, table, log));
    server.start();
    return new ApiServer(server, executor);
  }

  private static void dispatch(HttpExchange ex, Map<String, Endpoint> table, PrintWriter log)
      throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Endpoint e = table.get(path);
      if (e == null) {
        Responses.error(ex, 404, "no such path: " + path);
        return;
      }
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        Responses.error(ex, 405, "method " + method + " not allowed; use GET");
        return;
      }
      try {
        e.handle(ex);
      } catch (HttpProblem p) {
        Responses.error(ex, p.status(), p.getMessage());
      } catch (IOException io) {
        // the client went away mid-response: nothing to answer
      } catch (RuntimeException bug) {
        synchronized (log) {
          log.println("sockwatch serve: " + path + " failed: " + bug);
          log.flush();
        }
        try {
          Responses.error(ex, 500, "internal error");
        } catch (IOException | RuntimeException headersSent) {
          // the response had started: the truncated body is all the client gets
        }
      }
    }
  }

  /** The address actually bound (the port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
