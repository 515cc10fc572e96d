package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.sockwatch.cli.web.BasicAuth;
import io.sockwatch.cli.web.TlsContexts;
import io.sockwatch.cli.web.WebSecurity;
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
 *
 * <p>With a web config ({@link WebSecurity}) it speaks TLS only ({@code HttpsServer}; a plain-HTTP
 * client's bytes fail the handshake) and asks every request but {@code /healthz} for basic-auth
 * credentials before routing it, so that without them not even a path's existence shows: 401 with
 * {@code WWW-Authenticate: Basic realm="sockwatch"}. {@code /healthz} stays open because kubelet's
 * probes carry no credentials; it says only whether sampling keeps up.
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

  /** The path that answers without credentials: liveness and readiness probes. */
  static final String OPEN_PATH = "/healthz";

  /** Binds {@code address} and starts serving {@code routes}, plain HTTP without auth. */
  static ApiServer start(InetSocketAddress address, Routes routes, PrintWriter log)
      throws IOException {
    return start(address, routes, log, WebSecurity.NONE, "");
  }

  /**
   * Binds {@code address} and starts serving {@code routes} behind {@code security}.
   *
   * @param notFound added to the 404 message of a path this server does not have
   */
  static ApiServer start(
      InetSocketAddress address,
      Routes routes,
      PrintWriter log,
      WebSecurity security,
      String notFound)
      throws IOException {
    HttpServer server;
    if (security.tls().isPresent()) {
      TlsContexts.Server tls = security.tls().get();
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
              params.setSSLParameters(tls.parameters());
            }
          });
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    Map<String, Endpoint> table = Map.copyOf(routes.byPath);
    BasicAuth auth = security.auth().orElse(null);
    server.createContext("/", ex -> dispatch(ex, table, log, auth, notFound));
    server.start();
    return new ApiServer(server, executor);
  }

  private static void dispatch(
      HttpExchange ex,
      Map<String, Endpoint> table,
      PrintWriter log,
      BasicAuth auth,
      String notFound)
      throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (auth != null && !path.equals(OPEN_PATH)) {
        boolean ok;
        try {
          ok = auth.accepts(ex.getRequestHeaders().getFirst("Authorization"));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return; // the server is stopping
        }
        if (!ok) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"sockwatch\"");
          Responses.error(ex, 401, "unauthorized: basic auth with a user of the web config");
          return;
        }
      }
      Endpoint e = table.get(path);
      if (e == null) {
        Responses.error(ex, 404, "no such path: " + path + notFound);
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
