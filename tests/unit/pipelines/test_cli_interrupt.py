"""An interrupt that Dagster captures and drops still stops ``ai-numbers run``.

While Dagster executes a run it replaces the SIGINT handler with its own
(``dagster._utils.interrupts.capture_interrupts``), which only records the signal and
forgets it when the run ends if nothing looked. ``pipelines.cli._update_all`` also reads the
signal from a wakeup fd (and its handlers are installed before the command prints its first
line), so a SIGINT that arrives in that window, or one a library swallows, makes the command
exit 130 instead of 0 (seen as a flaky ``test_interrupt_exits_130`` under load). The update here is
a stand-in that receives the SIGINT inside Dagster's real capture context; everything else
(the CLI's handlers, the wakeup fd, the Dagster instance) is real.
"""
from __future__ import annotations

import os
import signal

import pytest
from dagster._utils.interrupts import capture_interrupts

import pipelines.runner
from pipelines import cli
from pipelines.console import make_console
from pipelines.runner import RunSummary


def _update_interrupted_inside_dagster(instance, run_config=None, log=print,
                                       should_stop=lambda: False, rebuild=False):
    with capture_interrupts():                      # as while Dagster executes a run
        os.kill(os.getpid(), signal.SIGINT)         # captured by Dagster, then dropped
    return RunSummary()                             # the run itself "succeeded"


def _update_whose_import_swallows_the_interrupt(instance, run_config=None, log=print,
                                                should_stop=lambda: False, rebuild=False):
    try:                                            # as a library's bare `except:` would
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:  # noqa: BLE001
        pass
    return RunSummary()


@pytest.mark.parametrize("update", [_update_interrupted_inside_dagster,
                                    _update_whose_import_swallows_the_interrupt])
def test_a_sigint_that_was_captured_or_swallowed_still_interrupts_the_update(
        tmp_path, monkeypatch, update):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setattr(pipelines.runner, "update_all", update)
    before = signal.getsignal(signal.SIGINT)
    out = make_console()
    with pytest.raises(cli.Interrupted), cli._stop_on_signals() as should_stop:
        cli._update_all("offline", "INFO", False, tmp_path / "data", out, out,
                        should_stop=should_stop)
    assert signal.getsignal(signal.SIGINT) is before   # handlers restored
    assert signal.set_wakeup_fd(-1) == -1              # and the wakeup fd
