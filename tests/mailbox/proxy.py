"""A TCP relay on loopback that cuts the connection after a number of bytes from the server:
a connection dropped in the middle of a fetch, with the real Dovecot behind it."""

import socket
import threading


class CuttingProxy:
    def __init__(self, target_host: str, target_port: int, cut_after: int):
        self.target = (target_host, target_port)
        self.cut_after = cut_after
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.cuts = 0
        self._threads: list[threading.Thread] = []
        self._closed = False
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target, timeout=10)
            state = {"sent": 0}
            for source, sink, count in ((client, server, False), (server, client, True)):
                thread = threading.Thread(
                    target=self._pump,
                    args=(source, sink, count, state, client, server),
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)

    def _pump(self, source, sink, count, state, client, server):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if count:
                    room = self.cut_after - state["sent"]
                    if room <= len(data):
                        sink.sendall(data[: max(room, 0)])
                        self.cuts += 1
                        break
                    state["sent"] += len(data)
                sink.sendall(data)
        except OSError:
            pass
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self):
        self._closed = True
        self.listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
