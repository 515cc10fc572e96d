package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** One route of the server. Throw {@link HttpProblem} for a 4xx answer. */
@FunctionalInterface
interface Endpoint {
  void handle(HttpExchange exchange) throws IOException;
}
