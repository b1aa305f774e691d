"""Bounded reads from a streaming call: a reader thread moves its messages into a queue, so that a test can wait
for the next one with a timeout (iterating the call itself would block for as long as the server is silent)."""
import queue
import threading

import grpc

from checks import CaseFailure, check

WAIT_S = 10.0
_END = object()


class StreamEnded(CaseFailure):
    """The call ended before the message a case waited for."""

    def __init__(self, code, details):
        super().__init__(f"stream ended with {code.name} ({details!r}) before the expected message")
        self.code = code


class Stream:
    def __init__(self, call):
        self.call = call
        self._items = queue.Queue()
        self._ended = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        try:
            for message in self.call:
                self._items.put(message)
        except grpc.RpcError:
            pass  # the status is read from the call itself
        self._items.put(_END)

    def next(self, timeout_s=WAIT_S):
        check(not self._ended, "stream already ended")
        try:
            item = self._items.get(timeout=timeout_s)
        except queue.Empty:
            raise CaseFailure(f"no message within {timeout_s:.0f} s") from None
        if item is _END:
            self._ended = True
            raise StreamEnded(self.call.code(), self.call.details())
        return item

    def end(self, timeout_s=WAIT_S):
        """Waits for the call to end (skipping unread messages) and returns its status code."""
        self._reader.join(timeout_s)
        check(not self._reader.is_alive(), f"the call did not end within {timeout_s:.0f} s")
        return self.call.code()

    def cancel(self):
        self.call.cancel()
