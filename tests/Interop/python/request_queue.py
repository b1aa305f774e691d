"""A request iterator fed from the test's thread: lets a case send the next message only after reading a reply."""
import queue

_END = object()


class RequestQueue:
    def __init__(self):
        self._queue = queue.Queue()

    def send(self, request):
        self._queue.put(request)

    def close(self):
        """Half-closes the call once the already queued requests are sent."""
        self._queue.put(_END)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is _END:
            raise StopIteration
        return item
