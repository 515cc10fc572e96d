package io.sockwatch.bench.jmh;

import io.sockwatch.kernel.procfs.ProcNetTcpParser;
import io.sockwatch.kernel.sockdiag.SockDiagParser;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parser inner loops: sockets per microsecond for one sock_diag recv batch (with tcp_info, skmem
 * and congestion, as {@code --info} and the doctor read) and for /proc/net/tcp text.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParserBenchmark {

  private byte[] diag;
  private byte[] proc;
  private final List<SocketRecord> out = new ArrayList<>(20_000);

  @Setup
  public void setUp() {
    diag = SyntheticTables.sockDiagBatch();
    proc = SyntheticTables.procNetTcp(10_000);
  }

  /** One 32 KiB batch: about 70 sockets with 280-byte tcp_info. */
  @Benchmark
  public int sockDiagBatch() {
    out.clear();
    new SockDiagParser().parse(diag, diag.length, out);
    return out.size();
  }

  /** 10,000 rows of /proc/net/tcp. */
  @Benchmark
  public int procNetTcp10k() {
    out.clear();
    ProcNetTcpParser.parse(proc, proc.length, AddressFamily.INET, -1, out);
    return out.size();
  }
}
