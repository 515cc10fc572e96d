package io.sockwatch.model;

/**
 * The fields of the kernel's {@code struct tcp_info} that sockwatch reads, with their byte offsets
 * and widths. Offsets were checked with {@code offsetof} against the 6.1 uapi headers; the fields
 * from {@code rcv_wnd} on come from 6.7 and later kernels. A field is present in a given payload
 * only if {@code offset + width <= payload length}; older kernels send shorter structs, newer ones
 * longer, and neither is an error.
 */
public enum TcpInfoField {
  STATE("state", 0, 1, ""),
  CA_STATE("ca_state", 1, 1, ""),
  RETRANSMITS("retransmits", 2, 1, ""),
  PROBES("probes", 3, 1, ""),
  BACKOFF("backoff", 4, 1, ""),
  OPTIONS("options", 5, 1, ""),
  RTO("rto", 8, 4, "us"),
  ATO("ato", 12, 4, "us"),
  SND_MSS("snd_mss", 16, 4, "bytes"),
  RCV_MSS("rcv_mss", 20, 4, "bytes"),
  UNACKED("unacked", 24, 4, "segments"),
  SACKED("sacked", 28, 4, "segments"),
  LOST("lost", 32, 4, "segments"),
  RETRANS("retrans", 36, 4, "segments"),
  LAST_DATA_SENT("last_data_sent", 44, 4, "ms"),
  LAST_DATA_RECV("last_data_recv", 52, 4, "ms"),
  LAST_ACK_RECV("last_ack_recv", 56, 4, "ms"),
  PMTU("pmtu", 60, 4, "bytes"),
  RCV_SSTHRESH("rcv_ssthresh", 64, 4, "bytes"),
  RTT("rtt", 68, 4, "us"),
  RTTVAR("rttvar", 72, 4, "us"),
  SND_SSTHRESH("snd_ssthresh", 76, 4, "segments"),
  SND_CWND("snd_cwnd", 80, 4, "segments"),
  ADVMSS("advmss", 84, 4, "bytes"),
  REORDERING("reordering", 88, 4, ""),
  RCV_RTT("rcv_rtt", 92, 4, "us"),
  RCV_SPACE("rcv_space", 96, 4, "bytes"),
  TOTAL_RETRANS("total_retrans", 100, 4, "segments"),
  PACING_RATE("pacing_rate", 104, 8, "bytes/s"),
  MAX_PACING_RATE("max_pacing_rate", 112, 8, "bytes/s"),
  BYTES_ACKED("bytes_acked", 120, 8, "bytes"),
  BYTES_RECEIVED("bytes_received", 128, 8, "bytes"),
  SEGS_OUT("segs_out", 136, 4, "segments"),
  SEGS_IN("segs_in", 140, 4, "segments"),
  NOTSENT_BYTES("notsent_bytes", 144, 4, "bytes"),
  MIN_RTT("min_rtt", 148, 4, "us"),
  DATA_SEGS_IN("data_segs_in", 152, 4, "segments"),
  DATA_SEGS_OUT("data_segs_out", 156, 4, "segments"),
  DELIVERY_RATE("delivery_rate", 160, 8, "bytes/s"),
  BUSY_TIME("busy_time", 168, 8, "us"),
  RWND_LIMITED("rwnd_limited", 176, 8, "us"),
  SNDBUF_LIMITED("sndbuf_limited", 184, 8, "us"),
  DELIVERED("delivered", 192, 4, "segments"),
  DELIVERED_CE("delivered_ce", 196, 4, "segments"),
  BYTES_SENT("bytes_sent", 200, 8, "bytes"),
  BYTES_RETRANS("bytes_retrans", 208, 8, "bytes"),
  DSACK_DUPS("dsack_dups", 216, 4, "segments"),
  REORD_SEEN("reord_seen", 220, 4, ""),
  RCV_OOOPACK("rcv_ooopack", 224, 4, "packets"),
  SND_WND("snd_wnd", 228, 4, "bytes"),
  RCV_WND("rcv_wnd", 232, 4, "bytes"),
  REHASH("rehash", 236, 4, ""),
  TOTAL_RTO("total_rto", 240, 2, ""),
  TOTAL_RTO_RECOVERIES("total_rto_recoveries", 242, 2, ""),
  TOTAL_RTO_TIME("total_rto_time", 244, 4, "ms");

  private final String jsonName;
  private final int offset;
  private final int width;
  private final String unit;

  TcpInfoField(String jsonName, int offset, int width, String unit) {
    this.jsonName = jsonName;
    this.offset = offset;
    this.width = width;
    this.unit = unit;
  }

  /** The kernel's name for the field, used as the JSON key. */
  public String jsonName() {
    return jsonName;
  }

  public int offset() {
    return offset;
  }

  public int width() {
    return width;
  }

  /** Unit of the value ("us", "ms", "bytes", "segments", ...) or empty for plain numbers. */
  public String unit() {
    return unit;
  }

  /** Whether a payload of this many bytes carries the field. */
  public boolean presentIn(int payloadLength) {
    return offset + width <= payloadLength;
  }
}
