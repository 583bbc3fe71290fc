"""Database writes off the UI thread, one after the other in the order asked: a writing transaction may wait for
another workstation's, and the screen must not freeze meanwhile; two keys pressed quickly apply in order.

A job is `job(session) -> result`, run in a thread in its own writing transaction (`Workspace.session()`);
`then(result)` runs on the UI thread. When a job fails, the writes queued after it are dropped (they were asked
on the same footing, e.g. a meeting signed meanwhile) and the error goes to `on_error`.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import Callable

from sqlmodel import Session
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from crisis_tui.core.workspace import Workspace

Job = Callable[[Session], object]
Then = Callable[[object], None]


class WriteQueue:
    GROUP = "writes"

    def __init__(self, owner: DOMNode, workspace: Workspace, *, on_error: Callable[[BaseException], None],
                 on_idle: Callable[[], None]) -> None:
        self.owner = owner  # the app or a screen: it runs the workers, and their events come to it
        self.workspace = workspace
        self.on_error = on_error
        self.on_idle = on_idle  # after the last queued write
        self._pending: deque[tuple[Job, Then | None]] = deque()
        self._then: Then | None = None
        self.busy = False

    def submit(self, job: Job, then: Then | None = None) -> None:
        self._pending.append((job, then))
        if not self.busy:
            self._start_next()

    def _start_next(self) -> None:
        if not self._pending:
            self.busy = False
            self.on_idle()
            return
        job, self._then = self._pending.popleft()
        self.busy = True
        self.owner.run_worker(partial(self._run, job), thread=True, group=self.GROUP, exit_on_error=False)

    def _run(self, job: Job) -> object:
        with self.workspace.session() as session:
            return job(session)

    def handle(self, event: Worker.StateChanged) -> bool:
        """Give it the app's worker events; True when the event was one of its writes."""
        worker: Worker = event.worker
        if worker.group != self.GROUP:
            return False
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return True
        try:
            if event.state == WorkerState.ERROR:
                self._pending.clear()
                self.on_error(worker.error)
            elif self._then is not None:
                self._then(worker.result)
        finally:
            self._start_next()
        return True
