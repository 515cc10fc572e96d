# Builds a small, known socket population in the current (fresh) netns, then runs the capture
# command given as argv[1] and keeps the sockets open until it finishes.
import socket, subprocess, sys, time

def listener(fam, addr, port, backlog=16, v6only=None):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port)); s.listen(backlog); return s

def connect(addr, port, src):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind(src); s.connect((addr, port)); return s

keep = []
# 127.0.0.1:8080 backlog 50: an accepted pair (client keepalive on, 1000 unread bytes at the server)
l4 = listener(socket.AF_INET, '127.0.0.1', 8080, 50); keep.append(l4)
c = connect('127.0.0.1', 8080, ('127.0.0.1', 41000)); keep.append(c)
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 7200)
a, _ = l4.accept(); keep.append(a)
c.sendall(b'x' * 1000)
# 127.0.0.2:8081: the client (127.0.0.3:41001) closes, the server never does -> FIN-WAIT-2 / CLOSE-WAIT
l5 = listener(socket.AF_INET, '127.0.0.2', 8081); keep.append(l5)
c2 = connect('127.0.0.2', 8081, ('127.0.0.3', 41001))
a2, _ = l5.accept(); keep.append(a2)
c2.close()
# 127.0.0.1:8082: client closes first, then the server -> client in TIME-WAIT
l6 = listener(socket.AF_INET, '127.0.0.1', 8082); keep.append(l6)
c3 = connect('127.0.0.1', 8082, ('127.0.0.1', 41002))
a3, _ = l6.accept()
c3.close(); time.sleep(0.1); a3.close()
# [::1]:8443 listener with an accepted pair, 300 unread bytes at the client
l7 = listener(socket.AF_INET6, '::1', 8443, 8, v6only=1); keep.append(l7)
c6 = connect('::1', 8443, ('::1', 41003)); keep.append(c6)
a6, _ = l7.accept(); keep.append(a6)
a6.sendall(b'y' * 300)
# [::1]:8444: v6 TIME-WAIT
l8 = listener(socket.AF_INET6, '::1', 8444, 8, v6only=1); keep.append(l8)
c7 = connect('::1', 8444, ('::1', 41004))
a7, _ = l8.accept()
c7.close(); time.sleep(0.1); a7.close()
# dual-stack [::]:9090 with a v4-mapped peer 127.0.0.1:41005
ld = listener(socket.AF_INET6, '::', 9090, 8, v6only=0); keep.append(ld)
cm = connect('127.0.0.1', 9090, ('127.0.0.1', 41005)); keep.append(cm)
am, _ = ld.accept(); keep.append(am)
# two connections left in 8080's accept queue (LISTEN Recv-Q 2), one made by uid 65534
keep.append(connect('127.0.0.1', 8080, ('127.0.0.1', 41006)))
p = subprocess.Popen(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'python3', '-c',
    "import socket,time;s=socket.socket();s.bind(('127.0.0.1',41007));s.connect(('127.0.0.1',8080));time.sleep(30)"])
time.sleep(0.5)
subprocess.run(['sh', '-c', sys.argv[1]], check=True)
p.kill()
