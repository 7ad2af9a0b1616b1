"""Controls the standard widgets cannot make accessible.

ipywidgets 8 draws its sliders with noUiSlider and gives the handle no accessible name, so a screen reader
announces "slider" with no idea what it changes. ``LabelledSlider`` is a native ``<input type="range">`` tied to
a ``<label>``, keyboard-usable as every browser's range input is, with the value also said in words, and a step
down and up by tap (a − and a + button).

ipywidgets' radio buttons share no ``name``, so each is its own tab stop and the arrow keys do nothing (in
JupyterLab they move between cells instead). ``ChoiceGroup`` is a native radio group in a ``<fieldset>``: one tab
stop, the arrow keys choose, as in any web form.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["ChoiceGroup", "LabelledSlider"]

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
  // A step down and a step up by tap or click: a finger dragging a thin handle is imprecise, and a phone has no
  // arrow keys. Outside the label, so the label still names the range input alone.
  const steps = document.createElement("div");
  steps.className = "sa-slider-steps";
  const stepper = (sign, symbol, word) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = symbol;
    const name = () => button.setAttribute("aria-label", `${word}: ${model.get("label")}`);
    name();
    model.on("change:label", name);
    button.addEventListener("click", () => {
      const next = model.get("value") + sign * model.get("step");
      model.set("value", Math.min(model.get("max"), Math.max(model.get("min"), next)));
      model.save_changes();
    });
    return button;
  };
  const less = stepper(-1, "−", "Less");
  const more = stepper(1, "+", "More");
  const bounds = () => {
    less.disabled = model.get("disabled") || model.get("value") <= model.get("min");
    more.disabled = model.get("disabled") || model.get("value") >= model.get("max");
  };
  bounds();
  for (const name of ["value", "min", "max", "disabled"]) {
    model.on(`change:${name}`, bounds);
  }
  steps.append(less, more);
  wrap.append(label, steps);
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
.sa-slider-steps { display: flex; gap: 0.75em; margin: 0 0 0.6em; }
.sa-slider-steps button { min-width: 44px; min-height: 44px; font-size: 1.25em; line-height: 1; cursor: pointer; }
.sa-slider-steps button:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
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


_CHOICE_ESM = """
let groups = 0;
function render({ model, el }) {
  // One name per drawn group, so its options form one radio group (one tab stop, arrow keys choose).
  groups += 1;
  const name = `sa-choice-${groups}-${Math.random().toString(36).slice(2)}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "sa-choice";
  const legend = document.createElement("legend");
  legend.className = "sa-choice-legend";
  let pending = null;
  const draw = () => {
    legend.textContent = model.get("label");
    const inputs = model.get("options").map(([text, value]) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = value;
      input.checked = model.get("value") === value;
      input.disabled = model.get("disabled");
      // The arrow keys choose an option instead of JupyterLab's notebook shortcuts taking them.
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      // Sent as a message, not a state change: ipywidgets holds back a state change while the previous one
      // is unanswered, so a quick Tab and Enter could press Check before the last choice reached Python.
      input.addEventListener("change", () => {
        if (input.checked) {
          pending = value;
          model.send({ choose: value });
        }
      });
      const text_ = document.createElement("span");
      text_.textContent = text;
      label.append(input, text_);
      return label;
    });
    fieldset.replaceChildren(legend, ...inputs);
  };
  const update = () => {
    // Python's answer to an earlier choice while a later one is on its way: keep what the learner sees.
    if (pending !== null) {
      if (model.get("value") !== pending) return;
      pending = null;
    }
    for (const input of fieldset.querySelectorAll("input")) {
      input.checked = model.get("value") === input.value;
      input.disabled = model.get("disabled");
    }
  };
  draw();
  model.on("change:options", draw);
  model.on("change:label", draw);
  model.on("change:value", update);
  model.on("change:disabled", () => { pending = null; update(); });
  // focus() from Python, to the chosen option or the first, as Tab into the group would. Asked for by a synced
  // flag rather than a message, so a request made before the group is drawn is not lost.
  const takeFocus = () => {
    if (!model.get("wants_focus")) return;
    const inputs = [...fieldset.querySelectorAll("input")];
    (inputs.find((input) => input.checked) || inputs[0])?.focus();
    model.set("wants_focus", false);
    model.save_changes();
  };
  model.on("change:wants_focus", takeFocus);
  requestAnimationFrame(takeFocus);
  el.append(fieldset);
}
export default { render };
"""

_CHOICE_CSS = """
.sa-choice { border: 0; margin: 0.2em 0 0.6em; padding: 0; min-width: 0; }
.sa-choice-legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
                    white-space: nowrap; }
.sa-choice label { display: flex; align-items: baseline; gap: 0.5em; padding: 0.25em 0; cursor: pointer;
                   line-height: 1.4; }
.sa-choice input[type=radio] { flex: none; margin: 0; width: 1.05em; height: 1.05em; transform: translateY(0.15em); }
.sa-choice input[type=radio]:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
.sa-choice input[type=radio]:disabled + span { opacity: 0.75; }
"""


class ChoiceGroup(anywidget.AnyWidget):
    """One answer chosen from ``options`` (``(text, value)`` pairs); ``value`` is None until one is chosen.

    ``label`` is the question, given to screen readers as the group's name (the visible prompt is drawn
    beside it by the activity).
    """

    _esm = _CHOICE_ESM
    _css = _CHOICE_CSS
    label = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List().tag(sync=True)
    value = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    wants_focus = traitlets.Bool(False).tag(sync=True)

    def __init__(self, label: str, options, value: str | None = None, **kwargs):
        if not label.strip():
            raise ValueError("a choice needs a label that says what is being asked")
        pairs = [(str(text), str(option)) for text, option in options]
        if not pairs:
            raise ValueError(f"{label}: a choice needs at least one option")
        super().__init__(label=label, options=pairs, value=value, **kwargs)
        self.on_msg(self._chosen_in_page)

    def _chosen_in_page(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and "choose" in content and not self.disabled:
            self.value = content["choose"]

    def focus(self) -> None:
        """Put keyboard focus on the group (its chosen option, or the first), once it is on the page."""
        self.wants_focus = False
        self.wants_focus = True

    @traitlets.validate("value")
    def _one_of_the_options(self, proposal):
        value = proposal["value"]
        if value is not None and value not in {option for _, option in self.options}:
            raise traitlets.TraitError(f"{self.label}: {value!r} is not one of the options "
                                       f"{[option for _, option in self.options]}")
        return value
