package io.sockwatch;

import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.plan.CapacityModel;

/**
 * What a polling design ({@code sockwatch plan}) costs each node in sockets, TIME_WAIT and
 * ephemeral ports, before it is deployed. Pure arithmetic: nothing is read or sent.
 */
public final class Planner {

  private Planner() {}

  /** The steady state {@code plan} reaches, with the headroom left in its port range. */
  public static CapacityForecast forecast(PollingPlan plan) {
    return CapacityModel.forecast(plan);
  }
}
