"""Controls the standard widgets cannot make accessible.

ipywidgets 8 draws its sliders with noUiSlider and gives the handle no accessible name, so a screen reader
announces "slider" with no idea what it changes. ``LabelledSlider`` is a native ``<input type="range">`` tied to
a ``<label>``, keyboard-usable as every browser's range input is, with the value also said in words.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["LabelledSlider"]

_ESM = """
function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "sa-slider";
  // The input sits inside its label, so the two are tied together without ids that could collide.
  const label = document.createElement("label");
  const text = document.createElement("span");
  const input = document.createElement("input");
  input.type = "range";
  // Let the arrow keys move the slider instead of JupyterLab's notebook shortcuts taking them.
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  const readout = document.createElement("output");
  readout.setAttribute("aria-hidden", "true");
  const draw = () => {
    text.textContent = model.get("label");
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    input.disabled = model.get("disabled");
    input.setAttribute("aria-valuetext", model.get("value_text"));
    readout.textContent = model.get("value_text");
  };
  draw();
  input.addEventListener("input", () => { readout.textContent = input.value; });
  input.addEventListener("change", () => {
    model.set("value", parseFloat(input.value));
    model.save_changes();
  });
  for (const name of ["value", "value_text", "label", "min", "max", "step", "disabled"]) {
    model.on(`change:${name}`, draw);
  }
  label.append(text, input, readout);
  wrap.append(label);
  el.append(wrap);
}
export default { render };
"""

_CSS = """
.sa-slider label { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 1em; margin: 0.4em 0; }
.sa-slider label span { flex: 1 1 100%; font-weight: 600; }
.sa-slider input[type=range] { flex: 1 1 240px; max-width: 420px; }
.sa-slider input[type=range]:focus-visible { outline: 3px solid #0072B2; outline-offset: 3px; }
.sa-slider output { min-width: 3em; font-variant-numeric: tabular-nums; }
"""


class LabelledSlider(anywidget.AnyWidget):
    """A slider with a real label and its value in words; set ``value`` from Python as with any widget."""

    _esm = _ESM
    _css = _CSS
    label = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
    value_text = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, label: str, value: float, min: float = 0.0, max: float = 1.0, step: float = 0.1,  # noqa: A002
                 decimals: int = 1, **kwargs):
        if not label.strip():
            raise ValueError("a slider needs a label that says what it changes")
        if not min <= value <= max:
            raise ValueError(f"{label}: the starting value must be between {min} and {max}, not {value}")
        self._decimals = decimals
        super().__init__(label=label, value=value, min=min, max=max, step=step, **kwargs)
        self.value_text = self._words(self.value)

    @traitlets.validate("value")
    def _keep_in_range(self, proposal):
        step = self.step or 1
        snapped = self.min + round((proposal["value"] - self.min) / step) * step
        return round(min(max(snapped, self.min), self.max), 10)

    @traitlets.observe("value")
    def _say_value(self, change):
        self.value_text = self._words(change["new"])

    def _words(self, value: float) -> str:
        return f"{value:.{getattr(self, '_decimals', 1)}f}"
