/**
 * Capacity planning for polling and probing designs: how many sockets, TIME_WAIT entries and
 * ephemeral ports a design costs per node, computed from the design alone (no I/O).
 */
package io.sockwatch.plan;
