"""Kernel settings for this environment (`make` copies this file to .venv/etc/ipython/, which every IPython kernel
started from .venv reads).

ipykernel warns "Kernel is running over TCP without encryption ... susceptible to eavesdropping" each time a kernel
starts. Traffic to 127.0.0.1 never leaves the computer, and a laptop's JupyterLab (`make lab`, `course lab`) keeps
its kernels there, so for such a kernel the warning is dropped. A kernel listening on any other address (a
kernel gateway, a remote kernel) still shows it, as it should.
"""

import logging

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
NOTICE = "Kernel is running over TCP without encryption"


class LoopbackTcpNotice(logging.Filter):
    """Drop ipykernel's unencrypted-TCP warning when the kernel listens on the loopback address only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(NOTICE):
            return True
        from ipykernel.kernelapp import IPKernelApp

        return not (IPKernelApp.initialized() and IPKernelApp.instance().ip in LOOPBACK)


logging.getLogger("IPKernelApp").addFilter(LoopbackTcpNotice())
